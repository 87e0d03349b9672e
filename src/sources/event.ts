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

/**
 * The origin of a host event's container. `cgroup` is the process's own
 * /proc/PID/cgroup, and `parent-cgroup` its parent's, read because the
 * process had exited. `runtime-exec` is the container that a runtime's
 * `exec` command line names, for a process that the runtime started and
 * that exited before its cgroup was read. Its descendants keep it.
 */
export type AttributionSource = 'cgroup' | 'parent-cgroup' | 'runtime-exec';

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
  /** The origin of `container`, set by the node agent when it found one. */
  attribution?: AttributionSource;
  origin: EventOrigin;
  /** True when the source cut the event short; rules use what remains. */
  truncated: boolean;
}

/** A Kubernetes API server audit event (any export format). */
export interface K8sAuditEvent extends EventBase {
  kind: 'k8s-audit';
  audit: AuditRecord;
}

/** A process as the host reports it. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Absolute path of the executable, or `unknown`. */
  exe: string;
  /** The command name (`comm`), at most 15 bytes on Linux. */
  name: string;
  argv: string[];
  cwd: string;
  uid: number;
  /** Login user ID; 4294967295 when unset. */
  auid: number;
  euid?: number;
  /** Ancestors, nearest first, as far as the host could tell. */
  ancestors: ProcessAncestor[];
}

/** One ancestor of a process. */
export interface ProcessAncestor {
  pid: number;
  exe: string;
  name: string;
  argv: string[];
}

/** A process that started (execve). */
export interface ProcessEvent extends EventBase {
  kind: 'process';
  process: ProcessInfo;
}

export type FileOperation =
  | 'read'
  | 'write'
  | 'create'
  | 'delete'
  | 'rename'
  | 'chmod'
  | 'link'
  | 'truncate'
  | 'attribute'
  | 'content-match';

/** A process touched a watched file. */
export interface FileEvent extends EventBase {
  kind: 'file';
  process: ProcessInfo;
  file: {
    path: string;
    operation: FileOperation;
    target?: string;
    /**
     * Names of the signatures the file's content matched, set by content
     * scanners (operation `content-match`).
     */
    contentMatch?: string[];
  };
}

/** A process opened or accepted a network connection, or listened. */
export interface NetworkEvent extends EventBase {
  kind: 'network';
  process: ProcessInfo;
  network: {
    direction: 'outbound' | 'inbound' | 'listen';
    protocol: 'tcp' | 'udp' | 'unix' | 'other';
    family: 'ipv4' | 'ipv6' | 'unix';
    remoteAddress: string;
    remotePort: number;
    localAddress?: string;
    localPort?: number;
  };
}

/** A container runtime event, with what inspecting the container showed. */
export interface ContainerEvent extends EventBase {
  kind: 'container';
  runtime: {
    /** The runtime's action: create, start, die, exec_start… */
    action: string;
    engine: string;
    privileged: boolean | Unknown;
    capAdd: string[];
    binds: string[];
    pidMode: string;
    networkMode: string;
    ipcMode: string;
    image: string;
    user: string;
    command: string[];
  };
}

/** Which cloud flow log a flow came from. */
export type FlowProvider = 'azure-nsg' | 'azure-vnet' | 'aws-vpc' | 'gcp-vpc';

/**
 * One network flow as a cloud flow log records it: who sent to whom, what
 * the network did with it, and how much went across. The source is the
 * side the log names as source; `local` names the side that belongs to the
 * watched network, where the log or an inventory tells.
 */
export interface FlowEvent extends EventBase {
  kind: 'flow';
  flow: {
    provider: FlowProvider;
    srcAddress: string;
    dstAddress: string;
    /** 0 where the protocol has no ports (ICMP) or the log omits them. */
    srcPort: number;
    dstPort: number;
    protocol: 'tcp' | 'udp' | 'icmp' | 'other';
    /** The IANA protocol number; 0 where the log gives only a name. */
    protocolNumber: number;
    action: 'allow' | 'deny' | Unknown;
    direction: 'inbound' | 'outbound' | Unknown;
    /** Which side is the watched network's own address. */
    local: 'source' | 'destination' | Unknown;
    /** Bytes and packets in both directions, where the log counts them. */
    bytes?: number;
    packets?: number;
    /** The resource that logged it: NSG, network interface, VM or subnet. */
    resource: string;
    /** The security rule that decided, where the log names it. */
    rule?: string;
  };
}

/** Every normalized event. */
export type VigilEvent =
  | K8sAuditEvent
  | ProcessEvent
  | FileEvent
  | NetworkEvent
  | ContainerEvent
  | FlowEvent;

/** Events that a node's agent produces. */
export type HostEvent =
  | ProcessEvent
  | FileEvent
  | NetworkEvent
  | ContainerEvent;

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
