import type SqliteDatabase from 'better-sqlite3';
import {
  DEFAULT_MIGRATION_LOCK_TABLE,
  DEFAULT_MIGRATION_TABLE,
  type Kysely,
  MIGRATION_LOCK_ID,
  sql,
} from 'kysely';
import { AdminTokenStore } from './admin-token-store.js';
import { AgentStore } from './agent-store.js';
import { AlertStore } from './alert-store.js';
import { ClusterStore } from './cluster-store.js';
import { IngestQueue } from './ingest-queue.js';
import { migrateToLatest } from './migrate-to-latest.js';
import { type DatabaseLocation, openDatabase } from './open-database.js';
import type { VigilDatabase } from './schema.js';
import { SourceActivityStore } from './source-activity-store.js';
import { StorageHealth } from './storage-health.js';
import type { StoreDialect } from './store-dialect.js';
import { StoreNotFoundError } from './store-not-found-error.js';

/** The store's parts, bound to the database or to one transaction. */
export class StoreTables {
  readonly clusters: ClusterStore;
  readonly adminTokens: AdminTokenStore;
  readonly queue: IngestQueue;
  readonly alerts: AlertStore;
  readonly sources: SourceActivityStore;
  readonly agents: AgentStore;

  constructor(
    readonly db: Kysely<VigilDatabase>,
    sqlite?: SqliteDatabase.Database,
  ) {
    this.clusters = new ClusterStore(db);
    this.adminTokens = new AdminTokenStore(db);
    this.queue = new IngestQueue(db, sqlite);
    this.alerts = new AlertStore(db);
    this.sources = new SourceActivityStore(db);
    this.agents = new AgentStore(db);
  }
}

/**
 * The Vigil store on SQLite or PostgreSQL: one schema, one set of
 * migrations, the same queries through Kysely.
 */
export class Store extends StoreTables {
  /** Whether writes succeed; every `transaction` records its outcome. */
  readonly health = new StorageHealth();

  private constructor(
    db: Kysely<VigilDatabase>,
    readonly dialect: StoreDialect,
    private readonly sqlite: SqliteDatabase.Database | undefined,
  ) {
    super(db, sqlite);
  }

  /**
   * Opens the database and applies pending migrations. With `mustExist`,
   * a database that Vigil never migrated throws StoreNotFoundError and
   * is left unchanged, and a missing SQLite file is not created.
   */
  static async open(
    location: DatabaseLocation,
    options: { mustExist?: boolean } = {},
  ): Promise<Store> {
    const { db, dialect, sqlite } = openDatabase(location, options);
    try {
      if (options.mustExist && !(await hasMigrations(db))) {
        throw new StoreNotFoundError(describeLocation(location));
      }
      await migrateToLatest(db, dialect);
    } catch (error) {
      await db.destroy();
      throw error;
    }
    return new Store(db, dialect, sqlite);
  }

  /**
   * Runs `work` in one transaction; it commits when `work` resolves.
   * `health` records whether the transaction committed.
   */
  transaction<T>(work: (tables: StoreTables) => Promise<T>): Promise<T> {
    return this.health.track(() =>
      this.db
        .transaction()
        .execute((tx) => work(new StoreTables(tx, this.sqlite))),
    );
  }

  /** Checks that the database responds to a query. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  /**
   * Commits one small write, rewriting the migration lock row with its
   * own value, so that `health` learns whether writes succeed again.
   */
  async probeWrite(): Promise<void> {
    await this.transaction(async (tables) => {
      await sql`update ${sql.table(DEFAULT_MIGRATION_LOCK_TABLE)}
        set is_locked = is_locked
        where id = ${MIGRATION_LOCK_ID}`.execute(tables.db);
    });
  }

  /** Closes the database connections. */
  async close(): Promise<void> {
    await this.db.destroy();
  }
}

/** Tells whether Kysely's migration table exists in the database. */
async function hasMigrations(db: Kysely<VigilDatabase>): Promise<boolean> {
  const tables = await db.introspection.getTables({
    withInternalKyselyTables: true,
  });
  return tables.some((table) => table.name === DEFAULT_MIGRATION_TABLE);
}

/** Names the data directory, or the PostgreSQL URL without its password. */
function describeLocation(location: DatabaseLocation): string {
  if (!location.database) return location.dataDir;
  const url = new URL(location.database);
  url.password = '';
  return url.toString();
}
