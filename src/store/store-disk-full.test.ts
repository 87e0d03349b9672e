import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  TEST_POSTGRES_URL,
  type TestDatabase,
} from '../../test/support/postgres-database.js';
import { Store } from './store.js';

const TABLESPACE = `vigil_test_full_${process.pid}`;

async function admin(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/**
 * The tablespace lives on a 1 MiB tmpfs owned by the PostgreSQL server's
 * user, so the server must run on this machine as `postgres`.
 */
describe('Store health on a full PostgreSQL disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-pg-full-'));
  let database: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    const uid = execFileSync('id', ['-u', 'postgres']).toString().trim();
    const gid = execFileSync('id', ['-g', 'postgres']).toString().trim();
    execFileSync('mount', [
      '-t',
      'tmpfs',
      '-o',
      `size=1m,mode=0700,uid=${uid},gid=${gid}`,
      'vigil-test-pg-full',
      dir,
    ]);
    await admin(`create tablespace ${TABLESPACE} location '${dir}'`);
    database = await createTestDatabase();
    store = await Store.open({ dataDir: dir, database: database.url });
    await sql`create table filler (body text) tablespace ${sql.raw(TABLESPACE)}`.execute(
      store.db,
    );
  });

  afterAll(async () => {
    await store?.close();
    await database?.drop();
    await admin(`drop tablespace if exists ${TABLESPACE}`);
    execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('could not extend file sets the flag', async () => {
    const fill = () =>
      store.transaction(async (tables) => {
        for (let i = 0; i < 1000; i++) {
          // Random text does not compress, so every row takes its space.
          const body = randomBytes(1500).toString('hex');
          await sql`insert into filler values (${body})`.execute(tables.db);
        }
      });
    const failed = await fill().then(
      () => undefined,
      (error: unknown) => error,
    );

    expect((failed as { code?: string }).code).toBe('53100');
    expect((failed as Error).message).toMatch(/^could not extend file/);
    expect(store.health.writable).toBe(false);
  });

  it('a committed write clears the flag', async () => {
    // The schema's tables are in the default tablespace, which has room.
    await store.transaction((tables) =>
      tables.sources.record('prod', 'k8s-audit', 1, Date.now()),
    );
    expect(store.health.writable).toBe(true);
  });
});
