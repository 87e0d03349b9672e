import { createHash } from 'node:crypto';
import {
  type EventOrigin,
  type FlowEvent,
  type FlowProvider,
  UNKNOWN,
} from '../event.js';

const PROTOCOLS: Record<number, FlowEvent['flow']['protocol']> = {
  1: 'icmp',
  6: 'tcp',
  17: 'udp',
  58: 'icmp',
};

/** The protocol name of an IANA protocol number. */
export function protocolName(number: number): FlowEvent['flow']['protocol'] {
  return PROTOCOLS[number] ?? 'other';
}

/** The facts a parser states about one flow; the rest is filled in. */
export interface FlowFields {
  provider: FlowProvider;
  timeMs: number;
  srcAddress: string;
  dstAddress: string;
  srcPort: number;
  dstPort: number;
  protocolNumber: number;
  protocol?: FlowEvent['flow']['protocol'];
  action: FlowEvent['flow']['action'];
  direction: FlowEvent['flow']['direction'];
  bytes?: number;
  packets?: number;
  resource: string;
  rule?: string;
  cluster: string;
  origin: EventOrigin;
  /** Text that identifies the flow in its log, hashed into the event id. */
  identity: string;
}

/**
 * Build a flow event. The local side follows the direction (the
 * destination of inbound traffic, the source of outbound); an inventory
 * may set it later. Node, pod and container are unknown until then,
 * because a flow log names addresses, not workloads.
 */
export function buildFlowEvent(fields: FlowFields): FlowEvent {
  const id = createHash('sha256')
    .update(`${fields.provider}\u0000${fields.identity}`)
    .digest('hex')
    .slice(0, 32);
  const local =
    fields.direction === 'inbound'
      ? 'destination'
      : fields.direction === 'outbound'
        ? 'source'
        : UNKNOWN;
  const flow: FlowEvent['flow'] = {
    provider: fields.provider,
    srcAddress: fields.srcAddress,
    dstAddress: fields.dstAddress,
    srcPort: fields.srcPort,
    dstPort: fields.dstPort,
    protocol: fields.protocol ?? protocolName(fields.protocolNumber),
    protocolNumber: fields.protocolNumber,
    action: fields.action,
    direction: fields.direction,
    local,
    resource: fields.resource,
  };
  if (fields.bytes !== undefined) flow.bytes = fields.bytes;
  if (fields.packets !== undefined) flow.packets = fields.packets;
  if (fields.rule !== undefined) flow.rule = fields.rule;
  return {
    id,
    kind: 'flow',
    time: new Date(fields.timeMs).toISOString(),
    timeMs: fields.timeMs,
    cluster: fields.cluster,
    node: UNKNOWN,
    container: UNKNOWN,
    pod: UNKNOWN,
    origin: fields.origin,
    truncated: false,
    flow,
  };
}

/** Maximum length of a resource, rule or address string kept, in characters. */
export const MAX_FLOW_TEXT = 512;

/** Cut a hostile string to MAX_FLOW_TEXT. */
export function flowText(value: string): string {
  return value.length > MAX_FLOW_TEXT ? value.slice(0, MAX_FLOW_TEXT) : value;
}
