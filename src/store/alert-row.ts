import type { Alert, AlertEntities, AlertStatus } from '../alerts/alert.js';
import { SEVERITIES, type Severity } from '../engine/rule-schema.js';
import type { AlertTable } from './schema.js';

/** The last status change of an alert: who made it and why. */
export interface StatusChange {
  status: AlertStatus;
  by: string;
  reason: string;
  time: string;
}

/** An alert as the store returns it: the contract plus its last change. */
export interface StoredAlert extends Alert {
  statusChange: StatusChange | null;
  /** When the store last changed the alert, ISO 8601. */
  updatedAt: string;
}

/** Returns the rank of a severity, 0 for Informational up to 3 for High. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/**
 * Joins every string in the entities, lower-cased, one per line: what the
 * `q` filter searches. Newlines separate values so a search cannot match
 * across two of them.
 */
export function entityText(entities: AlertEntities): string {
  const values: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') values.push(value.toLowerCase());
    else if (Array.isArray(value)) for (const item of value) visit(item);
    else if (typeof value === 'object' && value !== null) {
      for (const item of Object.values(value)) visit(item);
    }
  };
  visit(entities);
  return values.join('\n');
}

/** Converts a stored row into the Alert contract. */
export function rowToAlert(row: AlertTable): StoredAlert {
  const changed =
    row.status_by !== null && row.status_changed_ms !== null
      ? {
          status: row.status as AlertStatus,
          by: row.status_by,
          reason: row.status_reason ?? '',
          time: new Date(row.status_changed_ms).toISOString(),
        }
      : null;
  return {
    id: row.id,
    alertType: row.alert_type,
    title: row.title,
    severity: row.severity as Severity,
    tactics: JSON.parse(row.tactics),
    techniques: JSON.parse(row.techniques),
    status: row.status as AlertStatus,
    startTime: row.start_time,
    endTime: row.end_time,
    count: Number(row.count),
    cluster: row.cluster,
    entities: JSON.parse(row.entities),
    evidence: JSON.parse(row.evidence),
    description: row.description,
    remediation: row.remediation,
    ruleVersion: row.rule_version,
    statusChange: changed,
    updatedAt: new Date(row.updated_ms).toISOString(),
  };
}

/**
 * Replaces NUL characters, which PostgreSQL text cannot hold, in text
 * built from event fields. JSON columns need nothing: JSON escapes them.
 */
function storableText(text: string): string {
  return text.replaceAll('\u0000', '\ufffd');
}

/** Converts a new alert into a row. */
export function alertToRow(
  alert: Alert,
  aggregationKey: string,
  windowEndMs: number,
  nowMs: number,
): AlertTable {
  return {
    id: alert.id,
    alert_type: alert.alertType,
    title: alert.title,
    severity: alert.severity,
    severity_rank: severityRank(alert.severity),
    tactics: JSON.stringify(alert.tactics),
    techniques: JSON.stringify(alert.techniques),
    status: alert.status,
    start_time: alert.startTime,
    end_time: alert.endTime,
    start_ms: Date.parse(alert.startTime),
    end_ms: Date.parse(alert.endTime),
    count: alert.count,
    cluster: alert.cluster,
    entities: JSON.stringify(alert.entities),
    entity_text: storableText(entityText(alert.entities)),
    evidence: JSON.stringify(alert.evidence),
    description: storableText(alert.description),
    remediation: storableText(alert.remediation),
    rule_version: alert.ruleVersion,
    aggregation_key: aggregationKey,
    window_end_ms: windowEndMs,
    created_ms: nowMs,
    updated_ms: nowMs,
    status_by: null,
    status_reason: null,
    status_changed_ms: null,
  };
}
