import type { Kysely, Migration } from 'kysely';

/**
 * Adds `agents`: the last heartbeat and inventory of each node agent, so
 * that the agents list survives a server restart.
 */
export function agentsTable(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('agents')
        .addColumn('cluster', 'text', (c) => c.notNull())
        .addColumn('node', 'text', (c) => c.notNull())
        .addColumn('last_seen_ms', 'bigint', (c) => c.notNull())
        .addColumn('heartbeat', 'text')
        .addColumn('inventory', 'text')
        .addPrimaryKeyConstraint('agents_pk', ['cluster', 'node'])
        .execute();
      await db.schema
        .createIndex('agents_last_seen_ms')
        .on('agents')
        .columns(['cluster', 'last_seen_ms'])
        .execute();
    },
  };
}
