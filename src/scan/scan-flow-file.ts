import type { Engine } from '../engine/engine.js';
import type { AddressInventory } from '../sources/flow/address-inventory.js';
import type {
  FlowFormat,
  FlowParseStats,
} from '../sources/flow/flow-format.js';
import {
  readFlowBatches,
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

/** Flow events between checks for alerts whose window has ended. */
const EXPIRE_EVERY = 10_000;
/**
 * How far behind the latest flow time a flow may come and still join an
 * open alert. AWS writes the records of an aggregation interval of up
 * to 10 minutes together, each with the time its own flow started.
 */
const DISORDER_TOLERANCE_MS = 15 * 60_000;

/** Counts of a flow scan that starts from nothing. */
export function emptyFlowScanCounts(): FlowScanCounts {
  return { records: 0, skipped: {} };
}

/**
 * Run the engine over one flow log in bounded memory, adding to
 * `counts` as it goes. Throws when the file cannot be read to its end,
 * so the caller counts it as unreadable. The flows before that point
 * have been processed and counted by then.
 */
export async function scanFlowFile(
  file: string,
  format: FlowFormat,
  engine: Engine,
  options: FlowScanOptions,
  counts: FlowScanCounts = emptyFlowScanCounts(),
): Promise<FlowScanCounts> {
  const stats: FlowParseStats = { flows: 0, skipped: {} };
  const batches = readFlowBatches(file, format, {
    cluster: options.defaultCluster,
    awsFields: options.awsFields,
    inventory: options.inventory,
    stats,
    onProblem(problem) {
      counts.skipped['invalid-flow'] =
        (counts.skipped['invalid-flow'] ?? 0) + 1;
      options.onDiagnostic?.({ ...problem, code: 'invalid-event' });
    },
  });
  let latestMs = 0;
  let sinceExpiry = 0;
  try {
    for await (const events of batches) {
      for (const event of events) {
        engine.process(event);
        if (event.timeMs > latestMs) latestMs = event.timeMs;
      }
      counts.records += events.length;
      sinceExpiry += events.length;
      if (sinceExpiry >= EXPIRE_EVERY) {
        engine.expire(latestMs - DISORDER_TOLERANCE_MS);
        sinceExpiry = 0;
      }
    }
  } finally {
    for (const [reason, count] of Object.entries(stats.skipped)) {
      counts.skipped[reason] = (counts.skipped[reason] ?? 0) + count;
    }
  }
  return counts;
}
