import { SEVERITIES } from '../engine/rule-schema.js';
import type { ScanSummary } from '../scan/scan-files.js';

function listed(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
}

/**
 * The closing lines of `vigil scan` on stderr. `printed` is how many
 * alerts passed `--min-severity`.
 */
export function formatScanSummary(
  summary: ScanSummary,
  printed: number,
): string {
  const skipped = Object.values(summary.skipped).reduce((a, b) => a + b, 0);
  const reasons = listed(summary.skipped);
  const suppressed = Object.values(summary.suppressed).reduce(
    (a, b) => a + b,
    0,
  );
  const read = summary.files - summary.unreadableFiles;
  const unreadable =
    summary.unreadableFiles > 0
      ? `, ${summary.unreadableFiles} unreadable`
      : '';
  const hidden =
    printed < summary.alerts ? ` (${printed} at or above --min-severity)` : '';
  const severities = [...SEVERITIES]
    .reverse()
    .map((s) => `${s} ${summary.alertsBySeverity[s] ?? 0}`)
    .join(', ');
  const seconds = summary.durationMs / 1000;
  const rate = seconds > 0 ? Math.round(summary.records / seconds) : 0;
  return [
    `scanned ${read} file(s)${unreadable}: ${summary.requests} requests ` +
      `in ${summary.records - summary.flows} records, ` +
      `${summary.truncated} truncated, ${summary.repeatedRecords} repeated` +
      (summary.flows > 0 ? `, ${summary.flows} flows` : ''),
    `skipped ${skipped} input(s)${reasons ? ` (${reasons})` : ''}`,
    `suppressed ${suppressed} match(es) by exceptions` +
      (suppressed > 0 ? ` (${listed(summary.suppressed)})` : ''),
    `alerts ${summary.alerts}${hidden}: ${severities}`,
    `took ${seconds.toFixed(2)} s (${rate} records/s)`,
    '',
  ].join('\n');
}
