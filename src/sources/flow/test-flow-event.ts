import { parseDuration } from '../../engine/rule-schema.js';
import { TEST_BASE_TIME } from '../../engine/test-event-builder.js';
import type { FlowEvent } from '../event.js';
import { UNKNOWN } from '../event.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when a rule test event describes a flow (`kind: flow`). */
export function isTestFlowEvent(raw: unknown): boolean {
  return isRecord(raw) && raw.kind === 'flow';
}

/**
 * Complete a flow test event with what an Azure NSG flow log would hold:
 * TCP from 10.240.0.4:49152 out to 203.0.113.50:443, allowed, 12 packets
 * and 4200 bytes, logged by NSG `aks-agentpool-nsg`. Fields under `flow`
 * replace these; `local` follows the direction unless the test sets it.
 * Node, pod and container are unknown unless the test names them, as
 * for a flow log with no inventory. `at: 5m` places the event that long
 * after TEST_BASE_TIME.
 */
export function buildTestFlowEvent(
  raw: Record<string, unknown>,
  id: string,
  index: number,
): FlowEvent {
  const { at, flow: given, ...fields } = raw;
  const offset = typeof at === 'string' ? parseDuration(at) : index * 1000;
  const timeMs = TEST_BASE_TIME + offset;
  const flow = {
    provider: 'azure-nsg',
    srcAddress: '10.240.0.4',
    dstAddress: '203.0.113.50',
    srcPort: 49152,
    dstPort: 443,
    protocol: 'tcp',
    protocolNumber: 6,
    action: 'allow',
    direction: 'outbound',
    packets: 12,
    bytes: 4200,
    resource: 'aks-agentpool-nsg',
    ...(isRecord(given) ? given : {}),
  } as FlowEvent['flow'];
  if (!isRecord(given) || given.local === undefined) {
    flow.local =
      flow.direction === 'inbound'
        ? 'destination'
        : flow.direction === 'outbound'
          ? 'source'
          : UNKNOWN;
  }
  return {
    id,
    kind: 'flow',
    time: new Date(timeMs).toISOString(),
    timeMs,
    cluster: 'test',
    node: UNKNOWN,
    container: UNKNOWN,
    pod: UNKNOWN,
    origin: { format: 'test' },
    truncated: false,
    ...fields,
    flow,
  } as FlowEvent;
}
