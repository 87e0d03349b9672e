import type { Alert } from '../alerts/alert.js';
import { BoundedSet } from '../engine/bounded-set.js';
import { Engine } from '../engine/engine.js';
import type { IntelLookup } from '../engine/intel-lookup.js';
import type { RulePack } from '../engine/load-rules.js';
import type { AuditFormat } from '../sources/k8s-audit/audit-format.js';
import {
  type AuditReadStats,
  createAuditReadStats,
} from '../sources/k8s-audit/audit-read-stats.js';
import type { AuditDiagnostic } from '../sources/k8s-audit/audit-value-handler.js';
import { readAuditBatches } from '../sources/k8s-audit/read-audit-file.js';

/** Requests remembered to count each once across its audit stages. */
const MAX_REMEMBERED_REQUESTS = 100_000;
/** Events between checks for alerts whose window has ended. */
const EXPIRE_EVERY = 10_000;
/**
 * How far behind the latest event time an event may arrive and still join
 * an open alert. Logs merged from several API servers are not sorted.
 */
const DISORDER_TOLERANCE_MS = 5 * 60_000;

export interface ScanOptions {
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
  /** Audit records read: one per stage of each request. */
  records: number;
  /** Distinct requests, each counted once across its stages. */
  requests: number;
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
    requests: 0,
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
  const seen = new BoundedSet<string>(MAX_REMEMBERED_REQUESTS);
  let latestMs = 0;

  for (const file of files) {
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
          // Audit IDs are UUIDs, so the ID alone keys requests; a key joined
          // with the cluster name would cost a concatenation per event.
          if (seen.add(event.id)) summary.requests++;
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
  summary.durationMs = performance.now() - started;
  return summary;
}
