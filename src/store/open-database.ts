import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { VigilDatabase } from './schema.js';
import { VigilSqliteDialect } from './sqlite-dialect.js';
import type { StoreDialect } from './store-dialect.js';
import { StoreNotFoundError } from './store-not-found-error.js';

/** The SQLite file's name inside the data directory. */
export const SQLITE_FILE = 'vigil.db';

/** The location of the store: a PostgreSQL URL or a SQLite data directory. */
export interface DatabaseLocation {
  /** A `postgres://` or `postgresql://` URL. Unset means SQLite in `dataDir`. */
  database?: string | undefined;
  dataDir: string;
}

/** An open database with the dialect its queries run on. */
export interface OpenDatabase {
  db: Kysely<VigilDatabase>;
  dialect: StoreDialect;
  /** The SQLite connection under `db`, for the ingest fast path. */
  sqlite?: SqliteDatabase.Database | undefined;
}

/** PostgreSQL's type id of int8, the type of bigint columns and count(). */
const INT8_OID = 20;

/**
 * Opens the store's database. SQLite runs in WAL mode with
 * `synchronous=FULL`, so a committed transaction survives a power loss:
 * the webhook acknowledges batches only after such a commit. With
 * `mustExist`, a missing SQLite file throws StoreNotFoundError instead of
 * being created with its directory.
 */
export function openDatabase(
  location: DatabaseLocation,
  options: { mustExist?: boolean } = {},
): OpenDatabase {
  if (location.database) return openPostgres(location.database);

  const path = join(location.dataDir, SQLITE_FILE);
  if (options.mustExist && !existsSync(path)) {
    throw new StoreNotFoundError(location.dataDir);
  }
  // The store contains alerts and token hashes, so a new data directory
  // is readable by its owner alone.
  if (!options.mustExist) {
    mkdirSync(location.dataDir, { recursive: true, mode: 0o700 });
  }
  const file = new SqliteDatabase(path, {
    fileMustExist: options.mustExist === true,
  });
  file.pragma('journal_mode = WAL');
  file.pragma('synchronous = FULL');
  // The CLI and the server may write at once; wait instead of failing.
  file.pragma('busy_timeout = 5000');
  const db = new Kysely<VigilDatabase>({
    dialect: new VigilSqliteDialect(file),
  });
  return { db, dialect: 'sqlite', sqlite: file };
}

function openPostgres(connectionString: string): OpenDatabase {
  const pool = new pg.Pool({
    connectionString,
    max: 10,
    // Millisecond times exceed int4, and JavaScript numbers hold them
    // exactly up to 2^53, so int8 is read as a number.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(
              oid,
              format,
            )) as typeof pg.types.getTypeParser,
    },
  });
  const db = new Kysely<VigilDatabase>({
    dialect: new PostgresDialect({ pool }),
  });
  return { db, dialect: 'postgres' };
}
