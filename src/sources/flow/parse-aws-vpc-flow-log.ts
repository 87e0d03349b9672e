import type { FlowEvent } from '../event.js';
import { buildFlowEvent, flowText } from './build-flow-event.js';
import {
  countSkipped,
  type FlowParseStats,
  type FlowProblem,
} from './flow-format.js';
import {
  type FlowParser,
  MAX_FLOW_VALUE_BYTES,
  parseFlowText,
} from './flow-parser.js';
import { LineSplitter } from './line-splitter.js';
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
 * Parses AWS VPC flow logs: one record per line, fields separated by
 * spaces, `-` for a field with no value. The field order is the default
 * version 2 format, or `options.fields` (a custom format), or the header
 * line that the file starts with. NODATA and SKIPDATA records are
 * counted, not turned into flows. `srcaddr` and `dstaddr` are the
 * interface's addresses; `pkt-srcaddr` and `pkt-dstaddr`, where
 * present, replace them because they are the packet's original
 * addresses behind NAT gateways and load balancers.
 */
export class AwsVpcFlowParser implements FlowParser {
  private fields: readonly string[];
  private index: Map<string, number>;
  private events: FlowEvent[] = [];
  private readonly lines: LineSplitter;

  constructor(private readonly options: AwsFlowOptions) {
    this.fields = options.fields ?? AWS_DEFAULT_FIELDS;
    this.index = fieldIndex(this.fields);
    this.lines = new LineSplitter(
      MAX_FLOW_VALUE_BYTES,
      (text, line) => this.readLine(text, line),
      options.onProblem,
    );
  }

  push(chunk: Buffer): void {
    this.lines.push(chunk);
  }

  end(): void {
    this.lines.end();
  }

  drain(): FlowEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  private readLine(raw: string, line: number): void {
    const content = raw.trim();
    if (content === '') return;
    const words = content.split(/\s+/);
    if (isHeader(words)) {
      this.fields = words;
      this.index = fieldIndex(words);
      return;
    }
    if (words.length !== this.fields.length) {
      this.options.onProblem({
        line,
        reason: `record has ${words.length} fields, expected ${this.fields.length}`,
      });
      return;
    }
    const event = readRecord(words, this.index, line, this.options);
    if (event) this.events.push(event);
  }
}

/** Parse AWS VPC flow log text held in memory; see AwsVpcFlowParser. */
export function parseAwsVpcFlowLog(
  text: string,
  options: AwsFlowOptions,
): FlowEvent[] {
  return parseFlowText(new AwsVpcFlowParser(options), text);
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
