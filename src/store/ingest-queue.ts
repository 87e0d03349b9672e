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

/** Counts of one queued batch. */
export interface EnqueueResult {
  queued: number;
  /** Events whose key was seen within the retry window. */
  duplicates: number;
}

/** Rows per multi-row insert, below SQLite's 32,766 bound parameters. */
const INSERT_CHUNK = 1000;

/**
 * The durable queue between the webhook and the detection worker, and the
 * keys of recently seen events that let it drop the API server's retries.
 * Call `enqueue` inside a transaction so the keys and the batch commit
 * together.
 */
export class IngestQueue {
  private readonly fastPath: SqliteStatements | undefined;

  /**
   * With `sqlite`, the connection under `db`, keys are inserted through
   * prepared statements: building a 400-row insert through Kysely for
   * every webhook batch costs more than the inserts. Statements on the
   * same connection join the transaction that Kysely opened.
   */
  constructor(
    private readonly db: Kysely<VigilDatabase>,
    sqlite?: SqliteDatabase.Database,
  ) {
    this.fastPath = sqlite ? sqliteStatements(sqlite) : undefined;
  }

  /** Queues the candidates whose keys are new; counts the others. */
  async enqueue(batch: IngestBatch): Promise<EnqueueResult> {
    const kept = await this.markSeen(batch);
    const duplicates = batch.candidates.length - kept.length;
    if (kept.length === 0) return { queued: 0, duplicates };

    const row = {
      cluster: batch.cluster,
      source: batch.source,
      received_ms: batch.receivedMs,
      enrolled_ms: batch.enrolledMs,
      event_count: kept.length,
    };
    if (batch.body === undefined) {
      const events = `[${kept.map((event) => event.json).join(',')}]`;
      await this.db
        .insertInto('ingest_queue')
        .values({
          ...row,
          payload_format: 'events',
          payload: events,
          skip: '[]',
        })
        .execute();
    } else {
      const keptIndexes = new Set(kept.map((event) => event.index));
      const skip: number[] = [];
      for (let i = 0; i < batch.total; i++) {
        if (!keptIndexes.has(i)) skip.push(i);
      }
      await this.db
        .insertInto('ingest_queue')
        .values({
          ...row,
          payload_format: 'k8s-audit-body',
          payload: batch.body,
          skip: JSON.stringify(skip),
        })
        .execute();
    }
    return { queued: kept.length, duplicates };
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

  /**
   * Inserts the candidates' keys, skipping those already stored; returns
   * the candidates whose keys were new. Repeats inside the batch count
   * once: the first is kept.
   */
  private async markSeen(batch: IngestBatch): Promise<QueueCandidate[]> {
    const first = new Map<string, QueueCandidate>();
    for (const candidate of batch.candidates) {
      if (!first.has(candidate.key)) first.set(candidate.key, candidate);
    }

    const keys = [...first.keys()];
    if (this.fastPath) {
      const { insertSeen } = this.fastPath;
      return keys
        .filter(
          (key) =>
            insertSeen.run(batch.cluster, key, batch.receivedMs).changes > 0,
        )
        .map((key) => first.get(key) as QueueCandidate);
    }

    const fresh = new Set<string>();
    for (let i = 0; i < keys.length; i += INSERT_CHUNK) {
      const rows = keys.slice(i, i + INSERT_CHUNK).map((key) => ({
        cluster: batch.cluster,
        event_key: key,
        seen_ms: batch.receivedMs,
      }));
      const inserted = await this.db
        .insertInto('ingest_seen')
        .values(rows)
        .onConflict((oc) => oc.columns(['cluster', 'event_key']).doNothing())
        .returning('event_key')
        .execute();
      for (const row of inserted) fresh.add(row.event_key);
    }
    return keys
      .filter((key) => fresh.has(key))
      .map((key) => first.get(key) as QueueCandidate);
  }
}

/** Prepared statements of the SQLite fast path. */
interface SqliteStatements {
  insertSeen: SqliteDatabase.Statement<[string, string, number]>;
}

const statements = new WeakMap<SqliteDatabase.Database, SqliteStatements>();

function sqliteStatements(sqlite: SqliteDatabase.Database): SqliteStatements {
  let prepared = statements.get(sqlite);
  if (!prepared) {
    prepared = {
      insertSeen: sqlite.prepare(
        'insert into ingest_seen (cluster, event_key, seen_ms) values (?, ?, ?) on conflict do nothing',
      ),
    };
    statements.set(sqlite, prepared);
  }
  return prepared;
}
