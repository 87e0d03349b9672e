import type { Generated } from 'kysely';

/**
 * The tables of the Vigil store, typed for Kysely. Times are integer
 * milliseconds since the epoch (`*_ms`); JSON documents are stored as text
 * so that SQLite and PostgreSQL share one schema.
 */
export interface VigilDatabase {
  clusters: ClusterTable;
  admin_tokens: AdminTokenTable;
  ingest_queue: IngestQueueTable;
  ingest_seen_batches: IngestSeenBatchTable;
  alerts: AlertTable;
  alert_status_changes: AlertStatusChangeTable;
  source_activity: SourceActivityTable;
  agents: AgentTable;
}

/** An enrolled cluster and the SHA-256 hash of its ingest token. */
export interface ClusterTable {
  name: string;
  token_hash: string;
  enrolled_ms: number;
  revoked_ms: number | null;
}

/** A named admin token, stored as its SHA-256 hash. */
export interface AdminTokenTable {
  name: string;
  token_hash: string;
  created_ms: number;
}

/** One acknowledged batch of normalized events awaiting detection. */
export interface IngestQueueTable {
  id: Generated<number>;
  cluster: string;
  source: string;
  received_ms: number;
  enrolled_ms: number;
  event_count: number;
  /** `events` (a JSON array of normalized events) or `k8s-audit-body`. */
  payload_format: string;
  /** The normalized events, or the webhook's request body as received. */
  payload: string;
  /** A JSON array of positions, among the body's events, not to detect on. */
  skip: string;
}

/**
 * The retry keys (audit ID and stage) of one detected batch, as a JSON
 * array of strings, kept for the dedupe window to drop retries.
 */
export interface IngestSeenBatchTable {
  id: Generated<number>;
  cluster: string;
  seen_ms: number;
  keys: string;
}

/** A stored alert; the JSON columns hold the Alert contract's fields. */
export interface AlertTable {
  id: string;
  alert_type: string;
  title: string;
  severity: string;
  /** 0 for Informational up to 3 for High, for `minSeverity`. */
  severity_rank: number;
  tactics: string;
  techniques: string;
  status: string;
  start_time: string;
  end_time: string;
  start_ms: number;
  end_ms: number;
  count: number;
  cluster: string;
  entities: string;
  /** Lower-cased entity values joined by newlines, for `q` searches. */
  entity_text: string;
  evidence: string;
  description: string;
  remediation: string;
  rule_version: number;
  /** The aggregator's key: alert type, cluster and aggregated entities. */
  aggregation_key: string;
  /** End of the aggregation window that started with this alert. */
  window_end_ms: number;
  created_ms: number;
  updated_ms: number;
  status_by: string | null;
  status_reason: string | null;
  status_changed_ms: number | null;
}

/** One status change of an alert: who made it, when and why. */
export interface AlertStatusChangeTable {
  id: Generated<number>;
  alert_id: string;
  status: string;
  changed_by: string;
  reason: string;
  changed_ms: number;
}

/** When a cluster last sent data from one source, for coverage. */
export interface SourceActivityTable {
  cluster: string;
  source: string;
  first_seen_ms: number;
  last_seen_ms: number;
  events: number;
}

/** A node agent's last report; heartbeat and inventory are JSON. */
export interface AgentTable {
  cluster: string;
  node: string;
  last_seen_ms: number;
  heartbeat: string | null;
  inventory: string | null;
}
