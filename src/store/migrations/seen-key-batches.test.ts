import { type Kysely, Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createStoreBackend,
  DIALECTS,
  type StoreBackend,
} from '../../../test/support/store-backends.js';
import { migrateToLatest } from '../migrate-to-latest.js';
import { openDatabase } from '../open-database.js';
import type { VigilDatabase } from '../schema.js';
import { initialSchema } from './0001-initial-schema.js';

describe.each(DIALECTS)('seen key batches migration on %s', (dialect) => {
  let backend: StoreBackend | undefined;
  let db: Kysely<VigilDatabase> | undefined;

  afterEach(async () => {
    await db?.destroy();
    await backend?.cleanup();
  });

  it('moves stored keys into one row per cluster and time', async () => {
    backend = await createStoreBackend(dialect);
    db = openDatabase(backend).db;
    const first = new Migrator({
      db,
      provider: {
        getMigrations: async () => ({
          '0001-initial-schema': initialSchema(dialect),
        }),
      },
    });
    expect((await first.migrateToLatest()).error).toBeUndefined();
    await sql`
      insert into ingest_seen (cluster, event_key, seen_ms) values
        ('prod', 'a', 1000), ('prod', 'b', 1000), ('prod', 'c', 2000),
        ('dev', 'a', 1000)`.execute(db);

    expect(await migrateToLatest(db, dialect)).toContain(
      '0002-seen-key-batches',
    );
    const rows = await db
      .selectFrom('ingest_seen_batches')
      .select(['cluster', 'seen_ms', 'keys'])
      .orderBy('cluster')
      .orderBy('seen_ms')
      .execute();
    const batches = rows.map((row) => ({
      cluster: row.cluster,
      seenMs: Number(row.seen_ms),
      keys: (JSON.parse(row.keys) as string[]).sort(),
    }));
    expect(batches).toEqual([
      { cluster: 'dev', seenMs: 1000, keys: ['a'] },
      { cluster: 'prod', seenMs: 1000, keys: ['a', 'b'] },
      { cluster: 'prod', seenMs: 2000, keys: ['c'] },
    ]);
  });
});
