import type SqliteDatabase from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { AdminTokenStore } from './admin-token-store.js';
import { AlertStore } from './alert-store.js';
import { ClusterStore } from './cluster-store.js';
import { IngestQueue } from './ingest-queue.js';
import { migrateToLatest } from './migrate-to-latest.js';
import { type DatabaseLocation, openDatabase } from './open-database.js';
import type { VigilDatabase } from './schema.js';
import { SourceActivityStore } from './source-activity-store.js';
import type { StoreDialect } from './store-dialect.js';

/** The store's parts, bound to the database or to one transaction. */
export class StoreTables {
  readonly clusters: ClusterStore;
  readonly adminTokens: AdminTokenStore;
  readonly queue: IngestQueue;
  readonly alerts: AlertStore;
  readonly sources: SourceActivityStore;

  constructor(
    readonly db: Kysely<VigilDatabase>,
    sqlite?: SqliteDatabase.Database,
  ) {
    this.clusters = new ClusterStore(db);
    this.adminTokens = new AdminTokenStore(db);
    this.queue = new IngestQueue(db, sqlite);
    this.alerts = new AlertStore(db);
    this.sources = new SourceActivityStore(db);
  }
}

/**
 * The Vigil store on SQLite or PostgreSQL: one schema, one set of
 * migrations, the same queries through Kysely.
 */
export class Store extends StoreTables {
  private constructor(
    db: Kysely<VigilDatabase>,
    readonly dialect: StoreDialect,
    private readonly sqlite: SqliteDatabase.Database | undefined,
  ) {
    super(db, sqlite);
  }

  /** Opens the database and applies pending migrations. */
  static async open(location: DatabaseLocation): Promise<Store> {
    const { db, dialect, sqlite } = openDatabase(location);
    try {
      await migrateToLatest(db, dialect);
    } catch (error) {
      await db.destroy();
      throw error;
    }
    return new Store(db, dialect, sqlite);
  }

  /** Runs `work` in one transaction; it commits when `work` resolves. */
  transaction<T>(work: (tables: StoreTables) => Promise<T>): Promise<T> {
    return this.db
      .transaction()
      .execute((tx) => work(new StoreTables(tx, this.sqlite)));
  }

  /** Checks that the database responds to a query. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  /** Closes the database connections. */
  async close(): Promise<void> {
    await this.db.destroy();
  }
}
