import type { AuditProblemCode, AuditSkipCode } from './audit-problem.js';

/** Counts that `readAuditFile` fills while it reads. */
export interface AuditReadStats {
  /** Lines read, blank lines included. */
  lines: number;
  /** JSON values parsed (lines, documents or streamed elements). */
  values: number;
  events: number;
  /** Events emitted with `truncated: true`. */
  truncated: number;
  /** Values or records that produced no event, by reason code. */
  skipped: Partial<Record<AuditProblemCode | AuditSkipCode, number>>;
}

/** Creates zeroed stats. */
export function createAuditReadStats(): AuditReadStats {
  return { lines: 0, values: 0, events: 0, truncated: 0, skipped: {} };
}
