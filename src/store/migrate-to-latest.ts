import { type Kysely, type Migration, Migrator } from 'kysely';
import { initialSchema } from './migrations/0001-initial-schema.js';
import { seenKeyBatches } from './migrations/0002-seen-key-batches.js';
import { agentsTable } from './migrations/0003-agents.js';
import type { VigilDatabase } from './schema.js';
import type { StoreDialect } from './store-dialect.js';

/** Returns every migration by name, in the order in which they apply. */
function migrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '0001-initial-schema': initialSchema(dialect),
    '0002-seen-key-batches': seenKeyBatches(dialect),
    '0003-agents': agentsTable(),
  };
}

/**
 * Applies the migrations that the database lacks. Kysely records applied
 * migrations in its own table and takes a lock, so two processes that
 * start at once do not migrate twice. Throws with the failing migration.
 */
export async function migrateToLatest(
  db: Kysely<VigilDatabase>,
  dialect: StoreDialect,
): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations(dialect) },
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((result) => result.status === 'Error');
  if (error) {
    const name = failed?.migrationName ?? 'unknown';
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`database migration ${name} failed: ${message}`);
  }
  return results.map((result) => result.migrationName);
}
