import { SEVERITIES } from '../engine/rule-schema.js';
import type { ScanSummary } from '../scan/scan-files.js';

/** The closing lines of `vigil scan` on stderr. */
export function formatScanSummary(summary: ScanSummary): string {
  const skipped = Object.values(summary.skipped).reduce((a, b) => a + b, 0);
  const reasons = Object.entries(summary.skipped)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ');
  const severities = [...SEVERITIES]
    .reverse()
    .map((s) => `${s} ${summary.alertsBySeverity[s] ?? 0}`)
    .join(', ');
  const seconds = summary.durationMs / 1000;
  const rate = seconds > 0 ? Math.round(summary.records / seconds) : 0;
  return [
    `scanned ${summary.files} file(s): ${summary.requests} requests ` +
      `in ${summary.records} audit records, ${summary.truncated} truncated, ` +
      `${summary.repeatedRecords} repeated`,
    `skipped ${skipped} input(s)${reasons ? ` (${reasons})` : ''}`,
    `alerts ${summary.alerts}: ${severities}`,
    `took ${seconds.toFixed(2)} s (${rate} records/s)`,
    '',
  ].join('\n');
}
