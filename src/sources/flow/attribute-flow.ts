import { parseAddressRange } from '../../intel/address/parse-address-range.js';
import { type FlowEvent, UNKNOWN } from '../event.js';
import type { AddressInventory, AddressOwner } from './address-inventory.js';

/** Ranges that never route on the internet, so they are the local side. */
const PRIVATE_RANGES = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '169.254.0.0/16',
  'fc00::/7',
  'fe80::/10',
].map((text) => {
  const result = parseAddressRange(text);
  if (!result.ok) throw new Error(`invalid range ${text}`);
  return result.range;
});

function words(
  address: string,
): { family: 4 | 6; value: number[] } | undefined {
  const result = parseAddressRange(address);
  return result.ok
    ? { family: result.range.family, value: result.range.start }
    : undefined;
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** True for RFC 1918, shared (CGNAT), link-local and unique local addresses. */
export function isPrivateAddress(address: string): boolean {
  const parsed = words(address);
  if (!parsed) return false;
  return PRIVATE_RANGES.some(
    (range) =>
      range.family === parsed.family &&
      compare(range.start, parsed.value) <= 0 &&
      compare(parsed.value, range.end) <= 0,
  );
}

function applyOwner(event: FlowEvent, owner: AddressOwner): void {
  if (owner.node) event.node = owner.node;
  if (owner.cluster && event.cluster === UNKNOWN) event.cluster = owner.cluster;
  if (owner.pod && owner.namespace) {
    event.pod = {
      namespace: owner.namespace,
      name: owner.pod,
      uid: UNKNOWN,
      labels: {},
    };
  }
}

/**
 * Settle which side of a flow is local and name its node or pod. An
 * inventory entry for exactly one side decides; with entries for both,
 * the flow is internal and the side the direction names keeps it. With
 * no entry and no direction, a private address on exactly one side is
 * taken as local, as in VPC flow logs of the default format.
 */
export function attributeFlow(
  event: FlowEvent,
  inventory: AddressInventory | undefined,
): void {
  const flow = event.flow;
  const srcOwner = inventory?.ownerOf(flow.srcAddress);
  const dstOwner = inventory?.ownerOf(flow.dstAddress);
  if (srcOwner && !dstOwner) flow.local = 'source';
  else if (dstOwner && !srcOwner) flow.local = 'destination';
  else if (flow.local === UNKNOWN) {
    const srcPrivate = isPrivateAddress(flow.srcAddress);
    const dstPrivate = isPrivateAddress(flow.dstAddress);
    if (srcPrivate !== dstPrivate) {
      flow.local = srcPrivate ? 'source' : 'destination';
    }
  }
  const owner =
    flow.local === 'source'
      ? srcOwner
      : flow.local === 'destination'
        ? dstOwner
        : undefined;
  if (owner) applyOwner(event, owner);
}
