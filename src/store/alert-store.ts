import { type Kysely, sql } from 'kysely';
import { MAX_EVIDENCE } from '../alerts/aggregator.js';
import type { AlertEvidence, AlertStatus } from '../alerts/alert.js';
import {
  type AlertCursor,
  type AlertFilter,
  encodeCursor,
} from './alert-filter.js';
import {
  rowToAlert,
  type StatusChange,
  type StoredAlert,
  severityRank,
} from './alert-row.js';
import type { AlertTable, VigilDatabase } from './schema.js';

/** One page of alerts and the cursor of the next, if any. */
export interface AlertPage {
  items: StoredAlert[];
  next: string | null;
}

/** More occurrences of a stored alert, as another process observed them. */
export interface AlertRepeat {
  count: number;
  startTime: string;
  endTime: string;
  evidence: AlertEvidence[];
}

/** Returns the earlier of two ISO 8601 times, compared as instants. */
function earlier(a: string, b: string): string {
  return Date.parse(a) < Date.parse(b) ? a : b;
}

/** Returns the later of two ISO 8601 times, compared as instants. */
function later(a: string, b: string): string {
  return Date.parse(a) > Date.parse(b) ? a : b;
}

/** Escapes LIKE wildcards so that `q` matches literally. */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Keeps the first evidence items and the latest one within MAX_EVIDENCE,
 * as the aggregator does, so that merged alerts hold the same shape.
 */
function mergeEvidence(
  stored: AlertEvidence[],
  added: AlertEvidence[],
): AlertEvidence[] {
  const seen = new Set(stored.map((item) => item.eventId));
  const merged = [...stored];
  for (const item of added) {
    if (seen.has(item.eventId)) continue;
    seen.add(item.eventId);
    if (merged.length < MAX_EVIDENCE) merged.push(item);
    else merged[MAX_EVIDENCE - 1] = item;
  }
  return merged;
}

/** Stored alerts: insertion, aggregation across batches, queries, status. */
export class AlertStore {
  constructor(private readonly db: Kysely<VigilDatabase>) {}

  /** Inserts a new alert row. */
  async insert(row: AlertTable): Promise<void> {
    await this.db.insertInto('alerts').values(row).execute();
  }

  /** Returns whether an alert with this id is stored. */
  async has(id: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('alerts')
      .select('id')
      .where('id', '=', id)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Returns the id of the active alert with this aggregation key whose
   * window is still open at `timeMs`: the alert that a repeat joins.
   */
  async findOpen(
    aggregationKey: string,
    timeMs: number,
  ): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('alerts')
      .select('id')
      .where('aggregation_key', '=', aggregationKey)
      .where('status', '=', 'active')
      .where('window_end_ms', '>=', timeMs)
      .where('start_ms', '<=', timeMs)
      .orderBy('start_ms', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.id;
  }

  /** Adds occurrences to a stored alert: count, time range, evidence. */
  async addRepeat(
    id: string,
    repeat: AlertRepeat,
    nowMs: number,
  ): Promise<void> {
    const row = await this.db
      .selectFrom('alerts')
      .select(['count', 'start_time', 'end_time', 'evidence'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const startTime = earlier(repeat.startTime, row.start_time);
    const endTime = later(repeat.endTime, row.end_time);
    const evidence = mergeEvidence(JSON.parse(row.evidence), repeat.evidence);

    await this.db
      .updateTable('alerts')
      .set({
        count: Number(row.count) + repeat.count,
        start_time: startTime,
        end_time: endTime,
        start_ms: Date.parse(startTime),
        end_ms: Date.parse(endTime),
        evidence: JSON.stringify(evidence),
        updated_ms: nowMs,
      })
      .where('id', '=', id)
      .execute();
  }

  /** Returns one alert, or undefined. */
  async get(id: string): Promise<StoredAlert | undefined> {
    const row = await this.db
      .selectFrom('alerts')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? rowToAlert(row) : undefined;
  }

  /** Lists the status changes of an alert, oldest first. */
  async history(id: string): Promise<StatusChange[]> {
    const rows = await this.db
      .selectFrom('alert_status_changes')
      .selectAll()
      .where('alert_id', '=', id)
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      status: row.status as AlertStatus,
      by: row.changed_by,
      reason: row.reason,
      time: new Date(row.changed_ms).toISOString(),
    }));
  }

  /**
   * Lists alerts matching the filter, newest first by start time, then by
   * id, so the cursor of the last item resumes exactly after it.
   */
  async list(filter: AlertFilter): Promise<AlertPage> {
    let query = this.db.selectFrom('alerts').selectAll();
    if (filter.cluster) query = query.where('cluster', '=', filter.cluster);
    if (filter.alertType) {
      query = query.where('alert_type', '=', filter.alertType);
    }
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.severity) {
      query = query.where('severity', '=', filter.severity);
    }
    if (filter.minSeverity) {
      const rank = severityRank(filter.minSeverity);
      query = query.where('severity_rank', '>=', rank);
    }
    if (filter.fromMs !== undefined) {
      query = query.where('end_ms', '>=', filter.fromMs);
    }
    if (filter.toMs !== undefined) {
      query = query.where('start_ms', '<=', filter.toMs);
    }
    if (filter.q) {
      const pattern = likePattern(filter.q);
      query = query.where(
        sql<boolean>`entity_text like ${pattern} escape '\\'`,
      );
    }
    const after: AlertCursor | undefined = filter.after;
    if (after) {
      query = query.where((eb) =>
        eb.or([
          eb('start_ms', '<', after.startMs),
          eb.and([eb('start_ms', '=', after.startMs), eb('id', '<', after.id)]),
        ]),
      );
    }

    const rows = await query
      .orderBy('start_ms', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit + 1)
      .execute();
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    const next =
      rows.length > filter.limit && last
        ? encodeCursor({ startMs: last.start_ms, id: last.id })
        : null;
    return { items: page.map(rowToAlert), next };
  }

  /**
   * Sets an alert's status and records who changed it and why, in one
   * transaction. Returns the updated alert, or undefined when unknown.
   */
  async setStatus(
    id: string,
    status: AlertStatus,
    by: string,
    reason: string,
    nowMs: number,
  ): Promise<StoredAlert | undefined> {
    return this.db.transaction().execute(async (tx) => {
      const result = await tx
        .updateTable('alerts')
        .set({
          status,
          status_by: by,
          status_reason: reason,
          status_changed_ms: nowMs,
          updated_ms: nowMs,
        })
        .where('id', '=', id)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return undefined;

      await tx
        .insertInto('alert_status_changes')
        .values({
          alert_id: id,
          status,
          changed_by: by,
          reason,
          changed_ms: nowMs,
        })
        .execute();
      const row = await tx
        .selectFrom('alerts')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return rowToAlert(row);
    });
  }
}
