import type { Engine } from '../engine/engine.js';
import type { AddressInventory } from '../sources/flow/address-inventory.js';
import type { FlowFormat } from '../sources/flow/flow-format.js';
import {
  readFlowFile,
  sniffFlowFormat,
} from '../sources/flow/read-flow-file.js';
import type { AuditDiagnostic } from '../sources/k8s-audit/audit-value-handler.js';

/** What scanning flow logs needs besides the engine. */
export interface FlowScanOptions {
  /** Read every file as this flow format instead of detecting it. */
  flowFormat?: FlowFormat;
  /** AWS only: the field order of a custom format without a header. */
  awsFields?: readonly string[];
  /** The cluster's addresses, to name the node or pod of a flow. */
  inventory?: AddressInventory;
  defaultCluster?: string;
  onDiagnostic?: (diagnostic: AuditDiagnostic) => void;
}

/** Counts a flow scan adds to the scan summary. */
export interface FlowScanCounts {
  records: number;
  skipped: Record<string, number>;
}

/**
 * The flow format to read a file as: the one given, else the one its
 * first bytes show; undefined for audit logs and for stdin, which audit
 * parsing reads without a second look.
 */
export async function flowFormatOf(
  file: string,
  options: FlowScanOptions,
  auditFormatGiven: boolean,
): Promise<FlowFormat | undefined> {
  if (options.flowFormat) return options.flowFormat;
  if (auditFormatGiven || file === '-') return undefined;
  try {
    return await sniffFlowFormat(file);
  } catch {
    // The audit reader opens the file again and reports why it cannot.
    return undefined;
  }
}

/**
 * Run the engine over one flow log; throws when the file cannot be
 * read, so the caller counts it as unreadable.
 */
export async function scanFlowFile(
  file: string,
  format: FlowFormat,
  engine: Engine,
  options: FlowScanOptions,
): Promise<FlowScanCounts> {
  const counts: FlowScanCounts = { records: 0, skipped: {} };
  const result = await readFlowFile(file, {
    format,
    cluster: options.defaultCluster,
    awsFields: options.awsFields,
    inventory: options.inventory,
    onProblem(problem) {
      counts.skipped['invalid-flow'] =
        (counts.skipped['invalid-flow'] ?? 0) + 1;
      options.onDiagnostic?.({ ...problem, code: 'invalid-event' });
    },
  });
  for (const event of result.events) engine.process(event);
  counts.records = result.events.length;
  for (const [reason, count] of Object.entries(result.stats.skipped)) {
    counts.skipped[reason] = (counts.skipped[reason] ?? 0) + count;
  }
  return counts;
}
