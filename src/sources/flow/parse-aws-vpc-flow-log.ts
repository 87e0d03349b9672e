import type { FlowEvent } from '../event.js';
import { buildFlowEvent, flowText } from './build-flow-event.js';
import {
  countSkipped,
  type FlowParseStats,
  type FlowProblem,
} from './flow-format.js';
import {
  normalizeFlowAddress,
  parseCounter,
  parsePort,
} from './normalize-flow-address.js';

const ACTIONS: Record<string, FlowEvent['flow']['action']> = {
  ACCEPT: 'allow',
  REJECT: 'deny',
};
const DIRECTIONS: Record<string, FlowEvent['flow']['direction']> = {
  ingress: 'inbound',
  egress: 'outbound',
};

/** The fields of the default (version 2) format, in order. */
export const AWS_DEFAULT_FIELDS = [
  'version',
  'account-id',
  'interface-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'action',
  'log-status',
] as const;

/** Settings of one VPC flow log file. */
export interface AwsFlowOptions {
  file: string;
  cluster: string;
  /** The field order; a header line in the file replaces it. */
  fields?: readonly string[];
  onProblem: (problem: FlowProblem) => void;
  stats: FlowParseStats;
}

/** True for a header line naming fields, as S3 delivery writes it. */
function isHeader(words: string[]): boolean {
  return words.includes('srcaddr') || words.includes('log-status');
}

/**
 * Parse AWS VPC flow log text: one record per line, fields separated by
 * spaces, `-` for a field with no value. The field order is the default
 * version 2 format, or `options.fields` (a custom format), or the header
 * line that the file starts with. NODATA and SKIPDATA records are
 * counted, not turned into flows. `srcaddr` and `dstaddr` are the
 * interface's addresses; `pkt-srcaddr` and `pkt-dstaddr`, where
 * present, replace them because they are the packet's original
 * addresses behind NAT gateways and load balancers.
 */
export function parseAwsVpcFlowLog(
  text: string,
  options: AwsFlowOptions,
): FlowEvent[] {
  const events: FlowEvent[] = [];
  let fields: readonly string[] = options.fields ?? AWS_DEFAULT_FIELDS;
  let index = fieldIndex(fields);
  for (const [i, raw] of text.split('\n').entries()) {
    const line = i + 1;
    const content = raw.trim();
    if (content === '') continue;
    const words = content.split(/\s+/);
    if (isHeader(words)) {
      fields = words;
      index = fieldIndex(fields);
      continue;
    }
    if (words.length !== fields.length) {
      options.onProblem({
        line,
        reason: `record has ${words.length} fields, expected ${fields.length}`,
      });
      continue;
    }
    const event = readRecord(words, index, line, options);
    if (event) events.push(event);
  }
  return events;
}

function fieldIndex(fields: readonly string[]): Map<string, number> {
  return new Map(fields.map((name, i) => [name, i]));
}

function readRecord(
  words: string[],
  index: Map<string, number>,
  line: number,
  options: AwsFlowOptions,
): FlowEvent | undefined {
  const get = (name: string): string | undefined => {
    const at = index.get(name);
    const value = at === undefined ? undefined : words[at];
    return value === '-' ? undefined : value;
  };
  const status = get('log-status');
  if (status === 'NODATA' || status === 'SKIPDATA') {
    countSkipped(options.stats, `aws ${status}`);
    return undefined;
  }

  const src = normalizeFlowAddress(get('pkt-srcaddr') ?? get('srcaddr') ?? '');
  const dst = normalizeFlowAddress(get('pkt-dstaddr') ?? get('dstaddr') ?? '');
  if (!src || !dst) {
    options.onProblem({
      line,
      reason: 'invalid source or destination address',
    });
    return undefined;
  }
  const start = parseCounter(get('start') ?? get('end'));
  if (start === undefined) {
    options.onProblem({ line, reason: 'record has no start or end time' });
    return undefined;
  }
  const protocolNumber = parseCounter(get('protocol')) ?? 0;
  const action = get('action');
  const direction = get('flow-direction');
  const resource =
    get('interface-id') ??
    get('instance-id') ??
    get('subnet-id') ??
    get('vpc-id');

  options.stats.flows++;
  return buildFlowEvent({
    provider: 'aws-vpc',
    timeMs: start * 1000,
    srcAddress: src,
    dstAddress: dst,
    srcPort: parsePort(get('srcport')) ?? 0,
    dstPort: parsePort(get('dstport')) ?? 0,
    protocolNumber,
    action: ACTIONS[action ?? ''] ?? 'unknown',
    direction: DIRECTIONS[direction ?? ''] ?? 'unknown',
    bytes: parseCounter(get('bytes')),
    packets: parseCounter(get('packets')),
    resource: flowText(resource ?? 'unknown'),
    cluster: options.cluster,
    origin: { format: 'aws-vpc', file: options.file, line },
    identity: words.join(' '),
  });
}
