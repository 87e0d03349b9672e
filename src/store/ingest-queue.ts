import type { Kysely } from 'kysely';
import type { VigilDatabase } from './schema.js';

/** A normalized event ready to queue: its retry key and its JSON text. */
export interface QueuedEvent {
  /** Audit ID and stage; a second event with the same key is a repeat. */
  key: string;
  json: string;
}

/** One batch to queue, as the webhook or an upload received it. */
export interface IngestBatch {
  cluster: string;
  source: string;
  receivedMs: number;
  enrolledMs: number;
  events: QueuedEvent[];
}

/** A queued batch as the detection worker reads it. */
export interface QueueRow {
  id: number;
  cluster: string;
  source: string;
  receivedMs: number;
  enrolledMs: number;
  eventCount: number;
  /** A JSON array of normalized events. */
  events: string;
}

/** What queuing a batch did. */
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
  constructor(private readonly db: Kysely<VigilDatabase>) {}

  /** Queues the events whose keys are new; counts the others. */
  async enqueue(batch: IngestBatch): Promise<EnqueueResult> {
    const fresh = await this.markSeen(batch);
    if (fresh.length === 0) {
      return { queued: 0, duplicates: batch.events.length };
    }

    await this.db
      .insertInto('ingest_queue')
      .values({
        cluster: batch.cluster,
        source: batch.source,
        received_ms: batch.receivedMs,
        enrolled_ms: batch.enrolledMs,
        event_count: fresh.length,
        events: `[${fresh.map((event) => event.json).join(',')}]`,
      })
      .execute();
    return {
      queued: fresh.length,
      duplicates: batch.events.length - fresh.length,
    };
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
      events: row.events,
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

  /** Forgets event keys seen before `cutoffMs`; returns how many. */
  async forgetSeenBefore(cutoffMs: number): Promise<number> {
    const result = await this.db
      .deleteFrom('ingest_seen')
      .where('seen_ms', '<', cutoffMs)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * Inserts the batch's keys, skipping those already stored; returns the
   * events whose keys were new. Repeats inside the batch count once.
   */
  private async markSeen(batch: IngestBatch): Promise<QueuedEvent[]> {
    const unique = new Map<string, QueuedEvent>();
    for (const event of batch.events) {
      if (!unique.has(event.key)) unique.set(event.key, event);
    }

    const keys = [...unique.keys()];
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
      .map((key) => unique.get(key) as QueuedEvent);
  }
}
