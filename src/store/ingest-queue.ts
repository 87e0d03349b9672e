import type SqliteDatabase from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import type { VigilDatabase } from './schema.js';

/** One event of a batch that may be queued: its position and retry key. */
export interface QueueCandidate {
  /** Position among the batch's normalized events. */
  index: number;
  /** Audit ID and stage; a second event with the same key is a repeat. */
  key: string;
  /** The normalized event as JSON; unused when the batch has a body. */
  json?: string | undefined;
}

/**
 * One batch to queue. A webhook batch keeps its request body, which the
 * worker normalizes again, because copying the body is cheaper than
 * serializing every normalized event. Other batches carry event JSON.
 */
export interface IngestBatch {
  cluster: string;
  source: string;
  receivedMs: number;
  enrolledMs: number;
  /** Events that passed the enrolment and size checks, by position. */
  candidates: QueueCandidate[];
  /** Normalized events in the body, candidates or not. */
  total: number;
  /** The webhook's request body, when the batch came as one. */
  body?: string | undefined;
}

/** The stored form of a batch, as the worker reads it. */
export type QueuePayload =
  | { format: 'events'; events: string }
  | { format: 'k8s-audit-body'; body: string; skip: ReadonlySet<number> };

/** A queued batch as the detection worker reads it. */
export interface QueueRow {
  id: number;
  cluster: string;
  source: string;
  receivedMs: number;
  enrolledMs: number;
  eventCount: number;
  payload: QueuePayload;
}

/** Rows per multi-row insert, below SQLite's 32,766 bound parameters. */
const INSERT_CHUNK = 1000;

/**
 * The durable queue between the webhook and the detection worker, and the
 * keys of events already detected, which let the worker drop the API
 * server's retries. The webhook writes one row per batch; only the
 * detection worker writes keys, in the transaction that stores the
 * batch's alerts, so the two threads write less under SQLite's single
 * write lock.
 */
export class IngestQueue {
  private readonly fastPath: SqliteStatements | undefined;

  /**
   * With `sqlite`, the connection under `db`, rows and keys go through
   * prepared statements: building a query through Kysely for each of
   * them costs more than running it. Statements on the same connection
   * join the transaction that Kysely opened.
   */
  constructor(
    private readonly db: Kysely<VigilDatabase>,
    sqlite?: SqliteDatabase.Database,
  ) {
    this.fastPath = sqlite ? sqliteStatements(sqlite) : undefined;
  }

  /**
   * Queues the batch's candidates, which the caller has already cleared
   * of repeats; returns the new row's id, or undefined when there is
   * nothing to queue.
   */
  async enqueue(batch: IngestBatch): Promise<number | undefined> {
    if (batch.candidates.length === 0) return undefined;
    const row = queueRow(batch);

    if (this.fastPath) {
      const info = this.fastPath.insertRow.run(
        row.cluster,
        row.source,
        row.received_ms,
        row.enrolled_ms,
        row.event_count,
        row.payload_format,
        row.payload,
        row.skip,
      );
      return Number(info.lastInsertRowid);
    }
    const inserted = await this.db
      .insertInto('ingest_queue')
      .values(row)
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(inserted.id);
  }

  /** Returns the ids of up to `limit` of the oldest queued batches. */
  async nextIds(limit: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('ingest_queue')
      .select('id')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => Number(row.id));
  }

  /** Returns up to `limit` of the oldest queued batches. */
  async next(limit: number): Promise<QueueRow[]> {
    const rows = await this.db
      .selectFrom('ingest_queue')
      .selectAll()
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      id: Number(row.id),
      cluster: row.cluster,
      source: row.source,
      receivedMs: row.received_ms,
      enrolledMs: row.enrolled_ms,
      eventCount: row.event_count,
      payload:
        row.payload_format === 'events'
          ? { format: 'events', events: row.payload }
          : {
              format: 'k8s-audit-body',
              body: row.payload,
              skip: new Set(JSON.parse(row.skip) as number[]),
            },
    }));
  }

  /** Deletes processed batches. */
  async remove(ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.deleteFrom('ingest_queue').where('id', 'in', ids).execute();
  }

  /** Returns the number of queued events. */
  async depth(): Promise<number> {
    const row = await this.db
      .selectFrom('ingest_queue')
      .select((eb) =>
        eb.fn.coalesce(eb.fn.sum<number>('event_count'), eb.lit(0)).as('n'),
      )
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Forgets up to `limit` event keys seen before `cutoffMs`; returns how
   * many. Callers repeat it until it returns less than `limit`, so that a
   * large backlog does not hold the write lock in one statement.
   */
  async forgetSeenBefore(cutoffMs: number, limit = 10_000): Promise<number> {
    const result = await sql`
      delete from ingest_seen
      where (cluster, event_key) in (
        select cluster, event_key from ingest_seen
        where seen_ms < ${cutoffMs}
        limit ${limit}
      )`.execute(this.db);
    return Number(result.numAffectedRows ?? 0n);
  }

  /** Returns which of `keys` of `cluster` were already detected. */
  async findSeen(
    cluster: string,
    keys: readonly string[],
  ): Promise<Set<string>> {
    const seen = new Set<string>();
    if (this.fastPath) {
      const { selectSeen } = this.fastPath;
      for (const key of keys) {
        if (selectSeen.get(cluster, key) !== undefined) seen.add(key);
      }
      return seen;
    }
    for (let i = 0; i < keys.length; i += INSERT_CHUNK) {
      const rows = await this.db
        .selectFrom('ingest_seen')
        .select('event_key')
        .where('cluster', '=', cluster)
        .where('event_key', 'in', keys.slice(i, i + INSERT_CHUNK))
        .execute();
      for (const row of rows) seen.add(row.event_key);
    }
    return seen;
  }

  /**
   * Returns up to `limit` keys detected at or after `sinceMs`, oldest
   * first, with their cluster and time.
   */
  async seenSince(
    sinceMs: number,
    limit: number,
  ): Promise<{ cluster: string; key: string; seenMs: number }[]> {
    const rows = await this.db
      .selectFrom('ingest_seen')
      .select(['cluster', 'event_key', 'seen_ms'])
      .where('seen_ms', '>=', sinceMs)
      .orderBy('seen_ms')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      cluster: row.cluster,
      key: row.event_key,
      seenMs: Number(row.seen_ms),
    }));
  }

  /** Records keys of `cluster` as detected at `seenMs`. */
  async markSeen(
    cluster: string,
    keys: readonly string[],
    seenMs: number,
  ): Promise<void> {
    if (this.fastPath) {
      const { insertSeen } = this.fastPath;
      for (const key of keys) insertSeen.run(cluster, key, seenMs);
      return;
    }
    for (let i = 0; i < keys.length; i += INSERT_CHUNK) {
      const rows = keys.slice(i, i + INSERT_CHUNK).map((key) => ({
        cluster,
        event_key: key,
        seen_ms: seenMs,
      }));
      await this.db
        .insertInto('ingest_seen')
        .values(rows)
        .onConflict((oc) => oc.columns(['cluster', 'event_key']).doNothing())
        .execute();
    }
  }
}

/** Returns the queue table's row for a batch. */
function queueRow(batch: IngestBatch) {
  const common = {
    cluster: batch.cluster,
    source: batch.source,
    received_ms: batch.receivedMs,
    enrolled_ms: batch.enrolledMs,
    event_count: batch.candidates.length,
  };
  if (batch.body === undefined) {
    const events = `[${batch.candidates.map((event) => event.json).join(',')}]`;
    return { ...common, payload_format: 'events', payload: events, skip: '[]' };
  }

  const kept = new Set(batch.candidates.map((event) => event.index));
  const skip: number[] = [];
  for (let i = 0; i < batch.total; i++) {
    if (!kept.has(i)) skip.push(i);
  }
  return {
    ...common,
    payload_format: 'k8s-audit-body',
    payload: batch.body,
    skip: JSON.stringify(skip),
  };
}

/** Prepared statements of the SQLite fast path. */
interface SqliteStatements {
  insertRow: SqliteDatabase.Statement<
    [string, string, number, number, number, string, string, string]
  >;
  selectSeen: SqliteDatabase.Statement<[string, string]>;
  insertSeen: SqliteDatabase.Statement<[string, string, number]>;
}

const statements = new WeakMap<SqliteDatabase.Database, SqliteStatements>();

function sqliteStatements(sqlite: SqliteDatabase.Database): SqliteStatements {
  let prepared = statements.get(sqlite);
  if (!prepared) {
    prepared = {
      insertRow: sqlite.prepare(
        `insert into ingest_queue (cluster, source, received_ms, enrolled_ms,
          event_count, payload_format, payload, skip)
        values (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      selectSeen: sqlite.prepare(
        'select 1 from ingest_seen where cluster = ? and event_key = ?',
      ),
      insertSeen: sqlite.prepare(
        'insert into ingest_seen (cluster, event_key, seen_ms) values (?, ?, ?) on conflict do nothing',
      ),
    };
    statements.set(sqlite, prepared);
  }
  return prepared;
}
