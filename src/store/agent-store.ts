import type { Kysely } from 'kysely';
import type { VigilDatabase } from './schema.js';

/** The last report of one node agent; heartbeat and inventory as sent. */
export interface AgentRecord {
  cluster: string;
  node: string;
  lastSeenMs: number;
  heartbeat?: unknown;
  inventory?: unknown;
}

/** The data that one agent request adds to its record. */
export interface AgentReport {
  heartbeat?: unknown;
  inventory?: unknown;
}

/**
 * Agents per cluster kept at most; a new node past it replaces the one
 * seen least recently. Kubernetes supports clusters of up to 5,000
 * nodes, and a token holder could otherwise invent node names without
 * end.
 */
export const MAX_AGENTS_PER_CLUSTER = 10_000;

/** The node agents that reported, by cluster and node. */
export class AgentStore {
  constructor(
    private readonly db: Kysely<VigilDatabase>,
    private readonly maxPerCluster = MAX_AGENTS_PER_CLUSTER,
  ) {}

  /** Records that the agent of `node` reported at `nowMs`. */
  async record(
    cluster: string,
    node: string,
    report: AgentReport,
    nowMs: number,
  ): Promise<void> {
    const columns = {
      last_seen_ms: nowMs,
      ...(report.heartbeat !== undefined && {
        heartbeat: JSON.stringify(report.heartbeat),
      }),
      ...(report.inventory !== undefined && {
        inventory: JSON.stringify(report.inventory),
      }),
    };
    const updated = await this.db
      .updateTable('agents')
      .set(columns)
      .where('cluster', '=', cluster)
      .where('node', '=', node)
      .executeTakeFirst();
    if (updated.numUpdatedRows > 0n) return;

    await this.makeRoom(cluster);
    await this.db
      .insertInto('agents')
      .values({ cluster, node, heartbeat: null, inventory: null, ...columns })
      .onConflict((oc) => oc.columns(['cluster', 'node']).doUpdateSet(columns))
      .execute();
  }

  /** Lists the agents of one cluster, or of every cluster, by node. */
  async list(cluster?: string): Promise<AgentRecord[]> {
    let query = this.db.selectFrom('agents').selectAll();
    if (cluster !== undefined) query = query.where('cluster', '=', cluster);
    const rows = await query.orderBy('cluster').orderBy('node').execute();
    return rows.map((row) => ({
      cluster: row.cluster,
      node: row.node,
      lastSeenMs: Number(row.last_seen_ms),
      ...(row.heartbeat !== null && { heartbeat: JSON.parse(row.heartbeat) }),
      ...(row.inventory !== null && { inventory: JSON.parse(row.inventory) }),
    }));
  }

  private async makeRoom(cluster: string): Promise<void> {
    const row = await this.db
      .selectFrom('agents')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('cluster', '=', cluster)
      .executeTakeFirstOrThrow();
    const excess = Number(row.n) - this.maxPerCluster + 1;
    if (excess <= 0) return;

    const oldest = await this.db
      .selectFrom('agents')
      .select('node')
      .where('cluster', '=', cluster)
      .orderBy('last_seen_ms')
      .limit(excess)
      .execute();
    await this.db
      .deleteFrom('agents')
      .where('cluster', '=', cluster)
      .where(
        'node',
        'in',
        oldest.map((agent) => agent.node),
      )
      .execute();
  }
}
