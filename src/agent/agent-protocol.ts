import type { Alert } from '../alerts/alert.js';

/**
 * The agent's HTTP protocol with the server. Every request carries the
 * cluster's ingest token as `Authorization: Bearer TOKEN`.
 */
export const AGENT_PATHS = {
  /** POST an AlertBatch; 2xx means every alert in it is stored. */
  alerts: '/api/v1/agent/alerts',
  /** POST a Heartbeat. */
  heartbeat: '/api/v1/agent/heartbeat',
  /** POST an Inventory. */
  inventory: '/api/v1/agent/inventory',
  /** GET the host rule pack as a RulePackDocument; honours If-None-Match. */
  rulePack: '/api/v1/agent/rule-pack',
  /**
   * GET threat intelligence as IndicatorStore's serialized form
   * (`format: vigil-intel`); honours If-None-Match.
   */
  intel: '/api/v1/agent/intel',
} as const;

/** Who sends: the node and the cluster it belongs to. */
export interface AgentIdentity {
  cluster: string;
  node: string;
  agentVersion: string;
}

/**
 * Alerts raised on a node. `batchId` is the same on every retry of a
 * batch, so the server can recognise one it already stored.
 */
export interface AlertBatch extends AgentIdentity {
  batchId: string;
  alerts: Alert[];
}

/** Liveness and counters of one agent. */
export interface Heartbeat extends AgentIdentity {
  time: string;
  startedAt: string;
  counters: Record<string, number>;
}

/** A container as the inventory lists it. */
export interface InventoryContainer {
  id: string;
  name: string;
  image: string;
  privileged: boolean;
  podNamespace: string;
  podName: string;
}

/** What runs on the node. */
export interface Inventory extends AgentIdentity {
  time: string;
  kernel: string;
  os: string;
  runtime: { engine: string; socket: string; version: string };
  auditEnabled: boolean;
  containers: InventoryContainer[];
}

/** The rule pack as files, relative path to YAML text. */
export interface RulePackDocument {
  version: string;
  files: Record<string, string>;
}
