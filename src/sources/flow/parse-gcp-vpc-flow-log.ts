import { type FlowEvent, type PodRef, UNKNOWN } from '../event.js';
import { buildFlowEvent, flowText } from './build-flow-event.js';
import type { FlowParseStats, FlowProblem } from './flow-format.js';
import { type FlowParser, parseFlowText } from './flow-parser.js';
import { JsonFlowParser } from './json-flow-parser.js';
import {
  normalizeFlowAddress,
  parseCounter,
} from './normalize-flow-address.js';

/** Settings of one GCP flow log file. */
export interface GcpFlowOptions {
  file: string;
  cluster: string;
  onProblem: (problem: FlowProblem) => void;
  stats: FlowParseStats;
}

/** The prefix of the reporting side's fields, by `reporter`. */
const REPORTER_SIDES: Record<string, 'src' | 'dest'> = {
  SRC: 'src',
  DEST: 'dest',
};
const SIDE_DIRECTIONS: Record<string, FlowEvent['flow']['direction']> = {
  src: 'outbound',
  dest: 'inbound',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== ''
    ? flowText(value)
    : undefined;
}

/** Members whose arrays hold entries, as the entries.list API returns. */
const STREAMED_KEYS: ReadonlySet<string> = new Set(['entries']);

/**
 * Create a parser of GCP VPC flow logs as Cloud Logging writes them. It
 * reads entries one per line, as `gcloud logging read --format=json`
 * piped through `jq -c` or a sink to Cloud Storage writes them, a JSON
 * array of entries, or an object with an `entries` array. Entries have
 * `jsonPayload.connection` (src_ip, dest_ip, src_port, dest_port,
 * protocol) and `reporter`, SRC when the sending VM logged the flow and
 * DEST when the receiving one did. The reporting side is the local one,
 * and its `*_gke_details` name the pod and cluster where GKE set them.
 * A flow reported by its receiver was delivered, so it is allowed; a
 * sender cannot tell, so its action is unknown.
 */
export function createGcpVpcFlowParser(options: GcpFlowOptions): FlowParser {
  return new JsonFlowParser(
    STREAMED_KEYS,
    options.onProblem,
    (entry, split, events) => {
      const event = readEntry(entry, split.line, options);
      if (event) events.push(event);
    },
  );
}

/** Parse GCP VPC flow log text held in memory; see createGcpVpcFlowParser. */
export function parseGcpVpcFlowLog(
  source: string,
  options: GcpFlowOptions,
): FlowEvent[] {
  return parseFlowText(createGcpVpcFlowParser(options), source);
}

function readEntry(
  entry: unknown,
  line: number,
  options: GcpFlowOptions,
): FlowEvent | undefined {
  const payload = isRecord(entry) ? entry.jsonPayload : undefined;
  const connection = isRecord(payload) ? payload.connection : undefined;
  if (!isRecord(payload) || !isRecord(connection)) {
    options.onProblem({ line, reason: 'entry has no jsonPayload.connection' });
    return undefined;
  }
  const src = normalizeFlowAddress(String(connection.src_ip ?? ''));
  const dst = normalizeFlowAddress(String(connection.dest_ip ?? ''));
  if (!src || !dst) {
    options.onProblem({ line, reason: 'invalid src_ip or dest_ip' });
    return undefined;
  }
  const time = Date.parse(
    String(payload.start_time ?? (entry as Record<string, unknown>).timestamp),
  );
  if (Number.isNaN(time)) {
    options.onProblem({ line, reason: 'entry has no start_time or timestamp' });
    return undefined;
  }

  const reporter = payload.reporter;
  const side = REPORTER_SIDES[String(reporter)] ?? '';
  const instance = side ? payload[`${side}_instance`] : undefined;
  const gke = side ? payload[`${side}_gke_details`] : undefined;
  const resourceLabels =
    isRecord(entry) &&
    isRecord(entry.resource) &&
    isRecord(entry.resource.labels)
      ? entry.resource.labels
      : {};
  const resource =
    (isRecord(instance) ? text(instance.vm_name) : undefined) ??
    text(resourceLabels.subnetwork_name) ??
    'unknown';

  options.stats.flows++;
  const event = buildFlowEvent({
    provider: 'gcp-vpc',
    timeMs: time,
    srcAddress: src,
    dstAddress: dst,
    srcPort: Number(connection.src_port ?? 0) || 0,
    dstPort: Number(connection.dest_port ?? 0) || 0,
    protocolNumber: Number(connection.protocol ?? 0) || 0,
    action: side === 'dest' ? 'allow' : 'unknown',
    direction: SIDE_DIRECTIONS[side] ?? 'unknown',
    bytes: parseCounter(String(payload.bytes_sent ?? '')),
    packets: parseCounter(String(payload.packets_sent ?? '')),
    resource,
    cluster: options.cluster,
    origin: { format: 'gcp-vpc', file: options.file, line },
    identity: JSON.stringify([
      src,
      dst,
      connection,
      payload.start_time,
      reporter,
    ]),
  });
  applyGkeDetails(event, gke);
  return event;
}

function applyGkeDetails(event: FlowEvent, gke: unknown): void {
  if (!isRecord(gke)) return;
  const cluster = isRecord(gke.cluster)
    ? text(gke.cluster.cluster_name)
    : undefined;
  if (cluster && event.cluster === UNKNOWN) event.cluster = cluster;
  const pod = isRecord(gke.pod) ? gke.pod : undefined;
  const name = pod ? text(pod.pod_name) : undefined;
  const namespace = pod ? text(pod.pod_namespace) : undefined;
  if (name && namespace) {
    const ref: PodRef = { namespace, name, uid: UNKNOWN, labels: {} };
    event.pod = ref;
  }
}
