import Table from 'cli-table3';
import type { Alert } from '../alerts/alert.js';
import { severityRank } from '../engine/rule-schema.js';
import { safeText } from './safe-text.js';

function subject(alert: Alert): string {
  const { entities } = alert;
  const resource = entities.resources?.[0];
  const parts = [
    entities.user && `user ${entities.user}`,
    resource &&
      `${resource.subresource ? `${resource.resource}/${resource.subresource}` : resource.resource}` +
        (resource.name ? ` ${resource.name}` : ''),
    entities.containers &&
      `containers ${entities.containers.map((c) => c.name).join(', ')}`,
  ];
  return parts
    .filter((part): part is string => Boolean(part))
    .map(safeText)
    .join('\n');
}

/**
 * Render alerts as a table for a terminal, highest severity first. Every
 * value goes through safeText, because names and user agents come from
 * the cluster and may hold escape sequences.
 */
export function formatAlertTable(alerts: readonly Alert[]): string {
  const sorted = [...alerts].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      a.startTime.localeCompare(b.startTime),
  );
  const table = new Table({
    head: [
      'severity',
      'alert type',
      'count',
      'first seen',
      'namespace',
      'subject',
    ],
    style: { head: [], border: [] },
    wordWrap: true,
    colWidths: [15, 34, 7, 22, 16, 44],
  });
  for (const alert of sorted) {
    table.push(
      [
        alert.severity,
        alert.alertType,
        String(alert.count),
        alert.startTime.replace(/\.\d+Z$/, 'Z'),
        safeText(alert.entities.namespace ?? ''),
        subject(alert),
      ].map((cell, i) => (i < 4 ? safeText(cell) : cell)),
    );
  }
  return table.toString();
}
