import type { Kysely } from 'kysely';
import type { VigilDatabase } from './schema.js';

/** When a cluster last sent data from one source. */
export interface SourceActivity {
  cluster: string;
  source: string;
  firstSeenMs: number;
  lastSeenMs: number;
  events: number;
}

/** Per cluster and source: first and last receipt and events received. */
export class SourceActivityStore {
  constructor(private readonly db: Kysely<VigilDatabase>) {}

  /** Records that `events` events arrived from `source` at `nowMs`. */
  async record(
    cluster: string,
    source: string,
    events: number,
    nowMs: number,
  ): Promise<void> {
    await this.db
      .insertInto('source_activity')
      .values({
        cluster,
        source,
        first_seen_ms: nowMs,
        last_seen_ms: nowMs,
        events,
      })
      .onConflict((oc) =>
        oc.columns(['cluster', 'source']).doUpdateSet((eb) => ({
          last_seen_ms: nowMs,
          events: eb('source_activity.events', '+', events),
        })),
      )
      .execute();
  }

  /** Lists the activity of one cluster, or of every cluster. */
  async list(cluster?: string): Promise<SourceActivity[]> {
    let query = this.db.selectFrom('source_activity').selectAll();
    if (cluster !== undefined) query = query.where('cluster', '=', cluster);
    const rows = await query.orderBy('cluster').orderBy('source').execute();
    return rows.map((row) => ({
      cluster: row.cluster,
      source: row.source,
      firstSeenMs: row.first_seen_ms,
      lastSeenMs: row.last_seen_ms,
      events: Number(row.events),
    }));
  }
}
