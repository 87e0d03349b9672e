import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from './postgres-database.js';

/** Where one test run keeps its store, and how to clean it up. */
export interface StoreBackend {
  dialect: 'sqlite' | 'postgres';
  dataDir: string;
  database: string | undefined;
  cleanup(): Promise<void>;
}

/** The dialects that every store and server test runs on. */
export const DIALECTS = ['sqlite', 'postgres'] as const;

/**
 * Creates a temporary data directory, and for PostgreSQL a uniquely
 * named database beside it.
 */
export async function createStoreBackend(
  dialect: 'sqlite' | 'postgres',
): Promise<StoreBackend> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-test-'));
  if (dialect === 'sqlite') {
    return {
      dialect,
      dataDir,
      database: undefined,
      async cleanup() {
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const database = await createTestDatabase();
  return {
    dialect,
    dataDir,
    database: database.url,
    async cleanup() {
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
