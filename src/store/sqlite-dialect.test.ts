import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './open-database.js';
import type { VigilDatabase } from './schema.js';

describe('SQLite transaction after SQLITE_FULL', () => {
  let dataDir: string | undefined;
  let db: Kysely<VigilDatabase> | undefined;

  afterEach(async () => {
    await db?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the error that caused it', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vigil-sqlite-full-'));
    const opened = openDatabase({ dataDir });
    db = opened.db;
    const sqlite = opened.sqlite;
    if (!sqlite) throw new Error('expected a SQLite connection');
    await sql`create table filler (body text)`.execute(db);
    // Caps the file at its current size, so the next pages do not fit.
    const pages = sqlite.pragma('page_count', { simple: true }) as number;
    sqlite.pragma(`max_page_count = ${pages}`);

    const failed = await db
      .transaction()
      .execute(async (tx) => {
        for (let i = 0; i < 100; i++) {
          await sql`insert into filler values (${'x'.repeat(4000)})`.execute(
            tx,
          );
        }
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );

    expect(failed).toBeInstanceOf(Error);
    expect((failed as { code?: string }).code).toBe('SQLITE_FULL');
    expect(sqlite.inTransaction).toBe(false);
    const rows = await sql<{ n: number }>`select count(*) as n from filler`
      .execute(db)
      .then((result) => result.rows[0]?.n);
    expect(rows).toBe(0);
  });
});
