import type { Alert } from '../alerts/alert.js';
import { Engine } from '../engine/engine.js';
import type { IntelLookup } from '../engine/intel-lookup.js';
import type { RulePack } from '../engine/load-rules.js';
import { RecentIdSet } from '../engine/recent-id-set.js';
import type { K8sAuditEvent } from '../sources/event.js';
import type { AuditFormat } from '../sources/k8s-audit/audit-format.js';
import {
  type AuditReadStats,
  createAuditReadStats,
} from '../sources/k8s-audit/audit-read-stats.js';
import type { AuditDiagnostic } from '../sources/k8s-audit/audit-value-handler.js';
import { readAuditBatches } from '../sources/k8s-audit/read-audit-file.js';
import {
  emptyFlowScanCounts,
  type FlowScanOptions,
  flowFormatOf,
  scanFlowFile,
} from './scan-flow-file.js';

/** Requests remembered to count each once across its audit stages. */
const MAX_REMEMBERED_REQUESTS = 100_000;
/** Events between checks for alerts whose window has ended. */
const EXPIRE_EVERY = 10_000;
/**
 * How far behind the latest event time an event may arrive and still join
 * an open alert. Logs merged from several API servers are not sorted.
 */
const DISORDER_TOLERANCE_MS = 5 * 60_000;

export interface ScanOptions extends FlowScanOptions {
  pack: RulePack;
  intel?: IntelLookup;
  format?: AuditFormat;
  defaultCluster?: string;
  onDiagnostic?: (diagnostic: AuditDiagnostic) => void;
  /** Receives a file that could not be read; the scan goes on. */
  onFileError?: (file: string, error: Error) => void;
  /** Receives each alert once its aggregation window has closed. */
  onAlert: (alert: Alert) => void;
  /** Called every EXPIRE_EVERY events and at the end of each file. */
  onProgress?: (progress: ScanProgress) => void;
}

export interface ScanProgress {
  file: string;
  records: number;
  /** Bytes of the current file read so far, before decompression. */
  fileBytesRead: number;
}

/** What a scan read and raised. */
export interface ScanSummary {
  files: number;
  /** Files that could not be opened or read to the end. */
  unreadableFiles: number;
  /** Records read: one per stage of each audit request, and flows. */
  records: number;
  /** Flow log records among `records`. */
  flows: number;
  /** Distinct requests, each counted once across its stages. */
  requests: number;
  /** Matches that exceptions suppressed, by `RULE/EXCEPTION`. */
  suppressed: Record<string, number>;
  /**
   * Final-stage records seen again within the last 4,096 to 8,192
   * final-stage records (MAX_RECENT_RECORDS), not evaluated.
   */
  repeatedRecords: number;
  /** Lines or values that produced no event, by reason. */
  skipped: Record<string, number>;
  truncated: number;
  alerts: number;
  alertsBySeverity: Record<string, number>;
  durationMs: number;
}

function addCounts(
  into: Record<string, number>,
  from: AuditReadStats['skipped'],
): void {
  for (const [reason, count] of Object.entries(from)) {
    into[reason] = (into[reason] ?? 0) + (count ?? 0);
  }
}

/** Final-stage records remembered to drop repeats of the same record. */
const MAX_RECENT_RECORDS = 8192;

/**
 * Tells first records of a request, later stages and repeated records
 * apart. Two bounded sets keep memory flat: IDs seen at an early stage
 * (RequestReceived, ResponseStarted), which long-running requests need
 * until they complete, and the IDs of the most recent final-stage
 * records, which catch a log shipper's retries. Keys are audit IDs
 * scoped by cluster, because a client may choose its audit ID, and
 * RecentIdSet keeps them as numbers rather than strings that the
 * garbage collector would have to promote.
 */
class RequestTracker {
  private readonly early = new RecentIdSet(MAX_REMEMBERED_REQUESTS);
  private readonly recent = new RecentIdSet(MAX_RECENT_RECORDS);

  /** Classify one record and remember it. */
  classify(event: K8sAuditEvent): 'new' | 'stage' | 'repeat' {
    const stage = event.audit.stage;
    const { cluster } = event;
    if (stage !== 'ResponseComplete' && stage !== 'Panic') {
      return this.early.add(event.id, cluster) ? 'new' : 'stage';
    }
    if (!this.recent.add(event.id, cluster)) return 'repeat';
    // Most logs omit early stages, which leaves this set empty.
    if (this.early.size === 0) return 'new';
    return this.early.has(event.id, cluster) ? 'stage' : 'new';
  }
}

/**
 * Run the rule pack over archived audit logs, file after file, in bounded
 * memory. Alerts reach `onAlert` as their aggregation windows close, and
 * the rest when the last file ends. Cluster enrolment is not applied:
 * scanning archives is meant to look at the past.
 */
export async function scanFiles(
  files: readonly string[],
  options: ScanOptions,
): Promise<ScanSummary> {
  const started = performance.now();
  const summary: ScanSummary = {
    files: files.length,
    unreadableFiles: 0,
    records: 0,
    flows: 0,
    requests: 0,
    repeatedRecords: 0,
    suppressed: {},
    skipped: {},
    truncated: 0,
    alerts: 0,
    alertsBySeverity: {},
    durationMs: 0,
  };
  const engine = new Engine(options.pack, {
    intel: options.intel,
    onClose(alert) {
      summary.alerts++;
      summary.alertsBySeverity[alert.severity] =
        (summary.alertsBySeverity[alert.severity] ?? 0) + 1;
      options.onAlert(alert);
    },
  });
  const requests = new RequestTracker();
  let latestMs = 0;

  for (const file of files) {
    const auditFormatGiven =
      options.format !== undefined && options.format !== 'auto';
    const flowFormat = await flowFormatOf(file, options, auditFormatGiven);
    if (flowFormat) {
      // Counts fill as the file is read, so a file that fails partway
      // still counts the flows it gave.
      const counts = emptyFlowScanCounts();
      try {
        await scanFlowFile(file, flowFormat, engine, options, counts);
      } catch (error) {
        summary.unreadableFiles++;
        options.onFileError?.(file, error as Error);
      }
      summary.records += counts.records;
      summary.flows += counts.records;
      addCounts(summary.skipped, counts.skipped);
      continue;
    }
    const stats = createAuditReadStats();
    let fileBytesRead = 0;
    const batches = readAuditBatches(file, {
      format: options.format,
      defaultCluster: options.defaultCluster,
      stats,
      onDiagnostic: options.onDiagnostic,
      onInputBytes: (bytes) => {
        fileBytesRead += bytes;
      },
    });
    try {
      for await (const events of batches) {
        for (const event of events) {
          summary.records++;
          const kind = requests.classify(event);
          if (kind === 'repeat') {
            summary.repeatedRecords++;
            continue;
          }
          if (kind === 'new') summary.requests++;
          engine.process(event);
          if (event.timeMs > latestMs) latestMs = event.timeMs;
          if (summary.records % EXPIRE_EVERY === 0) {
            engine.expire(latestMs - DISORDER_TOLERANCE_MS);
            options.onProgress?.({
              file,
              records: summary.records,
              fileBytesRead,
            });
          }
        }
      }
    } catch (error) {
      summary.unreadableFiles++;
      options.onFileError?.(file, error as Error);
    }
    addCounts(summary.skipped, stats.skipped);
    summary.truncated += stats.truncated;
    options.onProgress?.({ file, records: summary.records, fileBytesRead });
  }
  engine.flush();
  summary.suppressed = { ...engine.stats.suppressed };
  summary.durationMs = performance.now() - started;
  return summary;
}
