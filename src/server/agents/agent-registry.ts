import type { z } from 'zod';
import type { heartbeatSchema, inventorySchema } from './agent-alert-schema.js';

/** The last heartbeat and inventory of one agent. */
export interface AgentRecord {
  cluster: string;
  node: string;
  lastSeenMs: number;
  heartbeat?: z.infer<typeof heartbeatSchema>;
  inventory?: z.infer<typeof inventorySchema>;
}

/**
 * The agents that reported to this server process, by cluster and node,
 * bounded in number (the least recently seen is dropped first).
 * NOTE: kept in memory, so after a restart the list is empty until the
 * next heartbeats arrive. The store has no agents table yet.
 */
export class AgentRegistry {
  private readonly agents = new Map<string, AgentRecord>();

  constructor(private readonly maxAgents = 10_000) {}

  /** Records a heartbeat or an inventory. */
  update(
    cluster: string,
    node: string,
    change: Partial<AgentRecord>,
    nowMs: number,
  ): void {
    const key = `${cluster}\u0000${node}`;
    const record = this.agents.get(key) ?? { cluster, node, lastSeenMs: nowMs };
    this.agents.delete(key);
    this.agents.set(key, { ...record, ...change, lastSeenMs: nowMs });
    if (this.agents.size > this.maxAgents) {
      this.agents.delete(this.agents.keys().next().value as string);
    }
  }

  /** Lists the agents of one cluster, or of all clusters. */
  list(cluster?: string): AgentRecord[] {
    return [...this.agents.values()].filter(
      (a) => cluster === undefined || a.cluster === cluster,
    );
  }
}
