import type { K8sAuditEvent } from '../event.js';
import type { AuditFormat } from './audit-format.js';
import type {
  AuditProblem,
  AuditProblemCode,
  AuditSkipCode,
} from './audit-problem.js';

/** The events, problems and skip counts that normalizing produced. */
export interface AuditCollector {
  events: K8sAuditEvent[];
  problems: AuditProblem[];
  skipped: Partial<Record<AuditSkipCode, number>>;
}

/** The caller's settings and the location of the value being normalized. */
export interface NormalizeContext {
  format: AuditFormat;
  /** Cluster for sources that do not name one. */
  defaultCluster: string;
  file: string | undefined;
  line: number | undefined;
  /** True when the value itself was salvaged from cut text. */
  truncated: boolean;
}

/** Creates an empty collector. */
export function createAuditCollector(): AuditCollector {
  return { events: [], problems: [], skipped: {} };
}

/** Records a value that could not be used. */
export function addProblem(
  out: AuditCollector,
  context: NormalizeContext,
  code: AuditProblemCode,
  reason: string,
): void {
  out.problems.push({ code, reason, line: context.line });
}

/** Counts a value that is valid but carries no audit event. */
export function addSkip(out: AuditCollector, code: AuditSkipCode): void {
  out.skipped[code] = (out.skipped[code] ?? 0) + 1;
}
