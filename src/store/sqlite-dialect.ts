import type SqliteDatabase from 'better-sqlite3';
import {
  type DatabaseConnection,
  type Driver,
  SqliteDialect,
  SqliteDriver,
} from 'kysely';

/**
 * Skips the rollback when SQLite already rolled the transaction back.
 * SQLite does that by itself after some errors, such as SQLITE_FULL
 * (https://www.sqlite.org/lang_transaction.html, "Response To Errors
 * Within A Transaction"). Kysely's ROLLBACK would then fail with "cannot
 * rollback - no transaction is active" and that error would replace the
 * one that caused it.
 */
class SqliteDriverKeepingErrors extends SqliteDriver {
  constructor(private readonly database: SqliteDatabase.Database) {
    super({ database });
  }

  override async rollbackTransaction(
    connection: DatabaseConnection,
  ): Promise<void> {
    if (!this.database.inTransaction) return;
    await super.rollbackTransaction(connection);
  }
}

/** Kysely's SQLite dialect with a rollback that keeps the first error. */
export class VigilSqliteDialect extends SqliteDialect {
  constructor(private readonly database: SqliteDatabase.Database) {
    super({ database });
  }

  override createDriver(): Driver {
    return new SqliteDriverKeepingErrors(this.database);
  }
}
