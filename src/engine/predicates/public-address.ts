import { BlockList, isIP } from 'node:net';

const PRIVATE = new BlockList();
for (const [address, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  PRIVATE.addSubnet(address, bits, 'ipv4');
}
for (const [address, bits] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  PRIVATE.addSubnet(address, bits, 'ipv6');
}

/** Host name suffixes that resolve inside a cluster or a cloud network. */
const INTERNAL_SUFFIXES = ['.svc', '.local', '.internal', '.localdomain'];

/**
 * True when a host is reachable outside the node's private networks: an
 * IP address outside the private, loopback, link-local, shared (RFC 6598)
 * and unique local ranges, or a host name with a dot that does not end in
 * a cluster or cloud-internal suffix (`.svc`, `.cluster.local`,
 * `.internal`). Names without a dot, such as `localhost` or a Service in
 * the same namespace, are internal.
 */
export function isPublicHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  const unmapped = bare.startsWith('::ffff:') ? bare.slice(7) : bare;
  const family = isIP(unmapped);
  if (family !== 0) {
    return !PRIVATE.check(unmapped, family === 4 ? 'ipv4' : 'ipv6');
  }
  if (!/^[a-z0-9.-]+$/.test(unmapped) || !unmapped.includes('.')) {
    return false;
  }
  const name = unmapped.replace(/\.$/, '');
  return !INTERNAL_SUFFIXES.some((suffix) => name.endsWith(suffix));
}
