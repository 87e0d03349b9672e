/**
 * The normalized event that every parser produces and the engine consumes.
 * Parsers fill what the source states; attribution they cannot establish is
 * the string `unknown`, never an absent field, because allowlists key on it.
 */

export type EventKind =
  | 'k8s-audit'
  | 'process'
  | 'file'
  | 'network'
  | 'container'
  | 'flow';

export const UNKNOWN = 'unknown';
export type Unknown = typeof UNKNOWN;

/** A container as the source names it. */
export interface ContainerRef {
  id: string;
  name: string;
  image: string;
  privileged: boolean | Unknown;
}

/** A pod as the source names it. */
export interface PodRef {
  namespace: string;
  name: string;
  uid: string;
  labels: Record<string, string>;
}

/** Where an event came from, for evidence and for `FILE:LINE` reports. */
export interface EventOrigin {
  format: string;
  file?: string;
  line?: number;
}

interface EventBase {
  /** Stable identity: the source's own id (an audit ID) where one exists. */
  id: string;
  kind: EventKind;
  /** The source's timestamp, ISO 8601 in UTC. */
  time: string;
  /** Milliseconds since the epoch, parsed once from `time`. */
  timeMs: number;
  cluster: string;
  node: string;
  container: ContainerRef | Unknown;
  pod: PodRef | Unknown;
  origin: EventOrigin;
  /** True when the source cut the event short; rules use what remains. */
  truncated: boolean;
}

/** A Kubernetes API server audit event (any export format). */
export interface K8sAuditEvent extends EventBase {
  kind: 'k8s-audit';
  audit: AuditRecord;
}

/** Every normalized event. Host and flow kinds join this union. */
export type VigilEvent = K8sAuditEvent;

export interface AuditUser {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export interface AuditObjectRef {
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  apiGroup?: string;
  apiVersion?: string;
  uid?: string;
}

export interface AuditResponseStatus {
  code?: number;
  status?: string;
  reason?: string;
  message?: string;
}

/**
 * The fields of audit.k8s.io/v1 `Event` that rules read. Cloud exports are
 * mapped onto it. Objects are kept as parsed JSON.
 */
export interface AuditRecord {
  auditID: string;
  stage: string;
  level: string;
  verb: string;
  requestURI: string;
  user: AuditUser;
  impersonatedUser?: AuditUser;
  sourceIPs: string[];
  userAgent: string;
  objectRef?: AuditObjectRef;
  responseStatus?: AuditResponseStatus;
  requestObject?: unknown;
  responseObject?: unknown;
  annotations: Record<string, string>;
  requestReceivedTimestamp?: string;
  stageTimestamp?: string;
}
