import { type Kysely, type Migration, sql } from 'kysely';
import type { StoreDialect } from '../store-dialect.js';

/**
 * Creates every table of the first schema. The only dialect difference is
 * the auto-increment key, which SQLite and PostgreSQL spell differently.
 */
export function initialSchema(dialect: StoreDialect): Migration {
  const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('clusters')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('enrolled_ms', 'bigint', (c) => c.notNull())
        .addColumn('revoked_ms', 'bigint')
        .execute();

      await db.schema
        .createTable('admin_tokens')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('ingest_queue')
        .addColumn('id', sql.raw(serial), (c) =>
          dialect === 'sqlite'
            ? c.primaryKey().autoIncrement()
            : c.primaryKey(),
        )
        .addColumn('cluster', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('received_ms', 'bigint', (c) => c.notNull())
        .addColumn('enrolled_ms', 'bigint', (c) => c.notNull())
        .addColumn('event_count', 'integer', (c) => c.notNull())
        .addColumn('payload_format', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('skip', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('ingest_seen')
        .addColumn('cluster', 'text', (c) => c.notNull())
        .addColumn('event_key', 'text', (c) => c.notNull())
        .addColumn('seen_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('ingest_seen_pk', ['cluster', 'event_key'])
        .execute();
      await db.schema
        .createIndex('ingest_seen_seen_ms')
        .on('ingest_seen')
        .column('seen_ms')
        .execute();

      await createAlertTables(db, serial, dialect);

      await db.schema
        .createTable('source_activity')
        .addColumn('cluster', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('first_seen_ms', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_ms', 'bigint', (c) => c.notNull())
        .addColumn('events', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('source_activity_pk', ['cluster', 'source'])
        .execute();
    },
  };
}

async function createAlertTables(
  db: Kysely<unknown>,
  serial: string,
  dialect: StoreDialect,
): Promise<void> {
  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('alert_type', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('severity_rank', 'integer', (c) => c.notNull())
    .addColumn('tactics', 'text', (c) => c.notNull())
    .addColumn('techniques', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('start_time', 'text', (c) => c.notNull())
    .addColumn('end_time', 'text', (c) => c.notNull())
    .addColumn('start_ms', 'bigint', (c) => c.notNull())
    .addColumn('end_ms', 'bigint', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addColumn('cluster', 'text', (c) => c.notNull())
    .addColumn('entities', 'text', (c) => c.notNull())
    .addColumn('entity_text', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('remediation', 'text', (c) => c.notNull())
    .addColumn('rule_version', 'integer', (c) => c.notNull())
    .addColumn('aggregation_key', 'text', (c) => c.notNull())
    .addColumn('window_end_ms', 'bigint', (c) => c.notNull())
    .addColumn('created_ms', 'bigint', (c) => c.notNull())
    .addColumn('updated_ms', 'bigint', (c) => c.notNull())
    .addColumn('status_by', 'text')
    .addColumn('status_reason', 'text')
    .addColumn('status_changed_ms', 'bigint')
    .execute();
  await db.schema
    .createIndex('alerts_start')
    .on('alerts')
    .columns(['start_ms', 'id'])
    .execute();
  await db.schema
    .createIndex('alerts_cluster_start')
    .on('alerts')
    .columns(['cluster', 'start_ms'])
    .execute();
  await db.schema
    .createIndex('alerts_open_key')
    .on('alerts')
    .columns(['aggregation_key', 'status', 'window_end_ms'])
    .execute();

  await db.schema
    .createTable('alert_status_changes')
    .addColumn('id', sql.raw(serial), (c) =>
      dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
    )
    .addColumn('alert_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('changed_by', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('changed_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('alert_status_changes_alert')
    .on('alert_status_changes')
    .columns(['alert_id', 'id'])
    .execute();
}
