import type SqliteDatabase from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import type { VigilEvent } from '../sources/event.js';
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
  /** Id under which the detection thread keeps the body's events. */
  pendingId?: number | undefined;
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
  /**
   * Retry keys of the queued events, in order, on the copies that the
   * webhook hands to the worker; rows read from the queue lack them.
   */
  keys?: string[] | undefined;
  /** Id under which the detection thread keeps the body's events. */
  pendingId?: number | undefined;
  /**
   * The events to detect, attached by the detection thread when it
   * normalized the body for the webhook; otherwise read from `payload`.
   */
  events?: VigilEvent[] | undefined;
}

/** The keys of one detected batch, as `IngestQueue.seenSince` returns them. */
export interface SeenBatch {
  cluster: string;
  keys: string[];
  seenMs: number;
}

/** Batches of keys read per query at start. */
const SEEN_PAGE = 500;

/**
 * The durable queue between the webhook and the detection worker, and the
 * keys of events already detected, which let the worker drop the API
 * server's retries. One row contains one batch, and the keys of one batch
 * are written in the transaction that stores the batch's alerts.
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
   * Forgets up to `limit` batches of keys seen before `cutoffMs`; returns
   * how many. Callers repeat it until it returns less than `limit`, so
   * that a large backlog does not hold the write lock in one statement.
   */
  async forgetSeenBefore(cutoffMs: number, limit = 1000): Promise<number> {
    const result = await sql`
      delete from ingest_seen_batches
      where id in (
        select id from ingest_seen_batches
        where seen_ms < ${cutoffMs}
        limit ${limit}
      )`.execute(this.db);
    return Number(result.numAffectedRows ?? 0n);
  }

  /**
   * Returns the batches of keys detected at or after `sinceMs`, newest
   * first, until they hold at least `maxKeys` keys.
   */
  async seenSince(sinceMs: number, maxKeys: number): Promise<SeenBatch[]> {
    const batches: SeenBatch[] = [];
    let keys = 0;
    let beforeId = Number.MAX_SAFE_INTEGER;
    while (keys < maxKeys) {
      const rows = await this.db
        .selectFrom('ingest_seen_batches')
        .select(['id', 'cluster', 'seen_ms', 'keys'])
        .where('seen_ms', '>=', sinceMs)
        .where('id', '<', beforeId)
        .orderBy('id', 'desc')
        .limit(SEEN_PAGE)
        .execute();
      for (const row of rows) {
        const batch = {
          cluster: row.cluster,
          keys: JSON.parse(row.keys) as string[],
          seenMs: Number(row.seen_ms),
        };
        batches.push(batch);
        keys += batch.keys.length;
        if (keys >= maxKeys) break;
      }
      if (rows.length < SEEN_PAGE) break;
      beforeId = Number((rows.at(-1) as { id: number }).id);
    }
    return batches;
  }

  /** Records the keys of one batch of `cluster` as detected at `seenMs`. */
  async markSeen(
    cluster: string,
    keys: readonly string[],
    seenMs: number,
  ): Promise<void> {
    if (keys.length === 0) return;
    await this.markSeenJson(cluster, JSON.stringify(keys), seenMs);
  }

  /** Records keys of `cluster` given as JSON of a non-empty string array. */
  async markSeenJson(
    cluster: string,
    json: string,
    seenMs: number,
  ): Promise<void> {
    if (this.fastPath) {
      this.fastPath.insertSeen.run(cluster, seenMs, json);
      return;
    }
    await this.db
      .insertInto('ingest_seen_batches')
      .values({ cluster, seen_ms: seenMs, keys: json })
      .execute();
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
  insertSeen: SqliteDatabase.Statement<[string, number, string]>;
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
      insertSeen: sqlite.prepare(
        'insert into ingest_seen_batches (cluster, seen_ms, keys) values (?, ?, ?)',
      ),
    };
    statements.set(sqlite, prepared);
  }
  return prepared;
}
