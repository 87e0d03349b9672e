import { type Kysely, type Migration, sql } from 'kysely';
import type { StoreDialect } from '../store-dialect.js';

/**
 * Replaces `ingest_seen`, one row per retry key, with
 * `ingest_seen_batches`, one row per detected batch holding its keys as a
 * JSON array. Inserting hundreds of random keys into a primary-key index
 * cost more than detecting the batch; the detection worker holds the keys
 * in memory and reads the table only when it starts. Keys already stored
 * move into one row per cluster and time.
 */
export function seenKeyBatches(dialect: StoreDialect): Migration {
  const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
  const keysArray =
    dialect === 'postgres'
      ? sql`json_agg(event_key)::text`
      : sql`json_group_array(event_key)`;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('ingest_seen_batches')
        .addColumn('id', sql.raw(serial), (c) =>
          dialect === 'sqlite'
            ? c.primaryKey().autoIncrement()
            : c.primaryKey(),
        )
        .addColumn('cluster', 'text', (c) => c.notNull())
        .addColumn('seen_ms', 'bigint', (c) => c.notNull())
        .addColumn('keys', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('ingest_seen_batches_seen_ms')
        .on('ingest_seen_batches')
        .column('seen_ms')
        .execute();

      await sql`
        insert into ingest_seen_batches (cluster, seen_ms, keys)
        select cluster, seen_ms, ${keysArray}
        from ingest_seen
        group by cluster, seen_ms`.execute(db);
      await db.schema.dropTable('ingest_seen').execute();
    },
  };
}
