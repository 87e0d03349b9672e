import type { FlowEvent } from '../event.js';
import type { SplitValue } from '../k8s-audit/json-value-splitter.js';
import { buildFlowEvent, flowText } from './build-flow-event.js';
import type { FlowParseStats, FlowProblem } from './flow-format.js';
import { type FlowParser, parseFlowText } from './flow-parser.js';
import { JsonFlowParser } from './json-flow-parser.js';
import {
  normalizeFlowAddress,
  parseCounter,
  parsePort,
} from './normalize-flow-address.js';
import { TextLocator } from './text-locator.js';

/** Settings of one Azure flow log file. */
export interface AzureFlowOptions {
  file: string;
  cluster: string;
  onProblem: (problem: FlowProblem) => void;
  stats: FlowParseStats;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** IANA numbers of the protocol letters of NSG tuples. */
const NSG_PROTOCOLS: Record<string, number> = { T: 6, U: 17 };

interface TupleContext {
  provider: 'azure-nsg' | 'azure-vnet';
  resource: string;
  rule: string;
  line: number;
}

/** Members whose arrays hold records: the storage blob envelope. */
const STREAMED_KEYS: ReadonlySet<string> = new Set(['records']);

/**
 * Create a parser of Azure flow logs: storage blobs (`{"records":
 * […]}`), read record by record, or one record per line. NSG flow log
 * records (category NetworkSecurityGroupFlowEvent) carry
 * `properties.flows[].flows[].flowTuples`, version 1 with 8 fields per
 * tuple and version 2 with 13. VNet flow log records carry
 * `flowRecords.flows[].flowGroups[].flowTuples` with 13 fields and
 * millisecond times. Each bad tuple is reported at its line and skipped.
 */
export function createAzureFlowParser(options: AzureFlowOptions): FlowParser {
  return new JsonFlowParser(
    STREAMED_KEYS,
    options.onProblem,
    (record, split, events) => {
      readRecord(record, split, options, events);
    },
  );
}

/** Parse Azure flow log text held in memory; see createAzureFlowParser. */
export function parseAzureFlowLog(
  text: string,
  options: AzureFlowOptions,
): FlowEvent[] {
  return parseFlowText(createAzureFlowParser(options), text);
}

function readRecord(
  record: unknown,
  split: SplitValue,
  options: AzureFlowOptions,
  events: FlowEvent[],
): void {
  const line = split.line;
  if (!isRecord(record)) {
    options.onProblem({ line, reason: 'flow log record is not an object' });
    return;
  }
  // Tuples are found in the record's own text, which starts at `line`.
  const locator = new TextLocator(split.text, line);
  if (isRecord(record.flowRecords)) {
    readVnetRecord(record, line, locator, options, events);
  } else if (isRecord(record.properties)) {
    readNsgRecord(record, line, locator, options, events);
  } else {
    options.onProblem({
      line,
      reason: 'record has neither properties.flows nor flowRecords',
    });
  }
}

function readNsgRecord(
  record: Record<string, unknown>,
  line: number,
  locator: TextLocator,
  options: AzureFlowOptions,
  events: FlowEvent[],
): void {
  const properties = record.properties as Record<string, unknown>;
  const version = Number(properties.Version ?? properties.version ?? 1);
  const resource = flowText(String(record.resourceId ?? 'unknown'));
  for (const group of arrayOf(properties.flows)) {
    if (!isRecord(group)) continue;
    const rule = flowText(String(group.rule ?? ''));
    for (const entry of arrayOf(group.flows)) {
      if (!isRecord(entry)) continue;
      for (const tuple of arrayOf(entry.flowTuples)) {
        const context = {
          provider: 'azure-nsg' as const,
          resource,
          rule,
          line: typeof tuple === 'string' ? locator.lineOf(tuple) : line,
        };
        const event =
          typeof tuple === 'string'
            ? nsgTuple(tuple, version, context, options)
            : undefined;
        if (typeof tuple !== 'string') {
          options.onProblem({ line, reason: 'flow tuple is not a string' });
        }
        if (event) events.push(event);
      }
    }
  }
}

function readVnetRecord(
  record: Record<string, unknown>,
  line: number,
  locator: TextLocator,
  options: AzureFlowOptions,
  events: FlowEvent[],
): void {
  const flowRecords = record.flowRecords as Record<string, unknown>;
  const resource = flowText(
    String(record.targetResourceID ?? record.flowLogResourceID ?? 'unknown'),
  );
  for (const flow of arrayOf(flowRecords.flows)) {
    if (!isRecord(flow)) continue;
    for (const group of arrayOf(flow.flowGroups)) {
      if (!isRecord(group)) continue;
      const rule = flowText(String(group.rule ?? ''));
      for (const tuple of arrayOf(group.flowTuples)) {
        if (typeof tuple !== 'string') {
          options.onProblem({ line, reason: 'flow tuple is not a string' });
          continue;
        }
        const context = {
          provider: 'azure-vnet' as const,
          resource,
          rule,
          line: locator.lineOf(tuple),
        };
        const event = vnetTuple(tuple, context, options);
        if (event) events.push(event);
      }
    }
  }
}

function reject(
  options: AzureFlowOptions,
  context: TupleContext,
  reason: string,
): undefined {
  options.onProblem({ line: context.line, reason });
  return undefined;
}

function sum(a: number | undefined, b: number | undefined) {
  return a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);
}

/** `ts,src,dst,sport,dport,T|U,I|O,A|D[,B|C|E,pkts,bytes,pkts,bytes]` */
function nsgTuple(
  tuple: string,
  version: number,
  context: TupleContext,
  options: AzureFlowOptions,
): FlowEvent | undefined {
  const fields = tuple.split(',');
  const expected = version >= 2 ? 13 : 8;
  if (fields.length !== expected) {
    return reject(
      options,
      context,
      `NSG version ${version} tuple has ${fields.length} fields, expected ${expected}`,
    );
  }
  const [ts, src, dst, sport, dport, proto, dir, action] = fields;
  const protocolNumber = NSG_PROTOCOLS[proto ?? ''];
  if (protocolNumber === undefined) {
    return reject(
      options,
      context,
      `unknown protocol ${JSON.stringify(proto)}`,
    );
  }
  if (action !== 'A' && action !== 'D') {
    return reject(options, context, `unknown action ${JSON.stringify(action)}`);
  }
  const counters = fields.slice(9).map(parseCounter);
  return tupleEvent(
    tuple,
    { ts, tsUnit: 1000, src, dst, sport, dport, dir },
    {
      protocolNumber,
      action: action === 'A' ? 'allow' : 'deny',
      packets: sum(counters[0], counters[2]),
      bytes: sum(counters[1], counters[3]),
    },
    context,
    options,
  );
}

/** `ts_ms,src,dst,sport,dport,proto,I|O,B|C|E|D,enc,pkts,bytes,pkts,bytes` */
function vnetTuple(
  tuple: string,
  context: TupleContext,
  options: AzureFlowOptions,
): FlowEvent | undefined {
  const fields = tuple.split(',');
  if (fields.length !== 13) {
    return reject(
      options,
      context,
      `VNet flow tuple has ${fields.length} fields, expected 13`,
    );
  }
  const [ts, src, dst, sport, dport, proto, dir, state] = fields;
  const protocolNumber = parseCounter(proto);
  if (protocolNumber === undefined || protocolNumber > 255) {
    return reject(
      options,
      context,
      `invalid protocol ${JSON.stringify(proto)}`,
    );
  }
  const counters = fields.slice(9).map(parseCounter);
  return tupleEvent(
    tuple,
    { ts, tsUnit: 1, src, dst, sport, dport, dir },
    {
      protocolNumber,
      // State D is a flow that a security rule denied.
      action: state === 'D' ? 'deny' : 'allow',
      packets: sum(counters[0], counters[2]),
      bytes: sum(counters[1], counters[3]),
    },
    context,
    options,
  );
}

interface TupleCommon {
  ts: string | undefined;
  tsUnit: number;
  src: string | undefined;
  dst: string | undefined;
  sport: string | undefined;
  dport: string | undefined;
  dir: string | undefined;
}

function tupleEvent(
  tuple: string,
  common: TupleCommon,
  specific: Pick<
    FlowEvent['flow'],
    'protocolNumber' | 'action' | 'packets' | 'bytes'
  >,
  context: TupleContext,
  options: AzureFlowOptions,
): FlowEvent | undefined {
  const time = parseCounter(common.ts);
  if (time === undefined) {
    return reject(
      options,
      context,
      `invalid time ${JSON.stringify(common.ts)}`,
    );
  }
  const srcAddress = normalizeFlowAddress(common.src ?? '');
  const dstAddress = normalizeFlowAddress(common.dst ?? '');
  if (!srcAddress || !dstAddress) {
    return reject(options, context, 'invalid source or destination address');
  }
  const srcPort = parsePort(common.sport);
  const dstPort = parsePort(common.dport);
  if (srcPort === undefined || dstPort === undefined) {
    return reject(options, context, 'invalid source or destination port');
  }
  if (common.dir !== 'I' && common.dir !== 'O') {
    return reject(
      options,
      context,
      `unknown direction ${JSON.stringify(common.dir)}`,
    );
  }
  options.stats.flows++;
  return buildFlowEvent({
    provider: context.provider,
    timeMs: time * common.tsUnit,
    srcAddress,
    dstAddress,
    srcPort,
    dstPort,
    ...specific,
    direction: common.dir === 'I' ? 'inbound' : 'outbound',
    resource: context.resource,
    rule: context.rule || undefined,
    cluster: options.cluster,
    origin: {
      format: context.provider,
      file: options.file,
      line: context.line,
    },
    identity: `${context.resource}\u0000${context.rule}\u0000${tuple}`,
  });
}
