import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server that tests create their databases on. */
export const TEST_POSTGRES_URL =
  process.env.VIGIL_TEST_POSTGRES ??
  'postgres://postgres@127.0.0.1:5432/postgres';

/** A database created for one test file, and how to drop it. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * Creates an empty PostgreSQL database with a unique name, so that test
 * runs never share state. `drop` ends its connections and removes it.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `vigil_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }

  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
