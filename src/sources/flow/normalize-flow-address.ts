import { formatIPv4, parseIPv4 } from '../../intel/address/parse-ipv4.js';
import { formatIPv6, parseIPv6 } from '../../intel/address/parse-ipv6.js';

const words = new Uint32Array(4);

/**
 * Spell an IP address one way (dotted IPv4, compressed lower-case IPv6),
 * so that inventories and aggregation see each address once, or return
 * undefined when the text is not an address. IPv4-mapped IPv6 stays
 * IPv6 here, and intelligence lookups read it as IPv4.
 */
export function normalizeFlowAddress(text: string): string | undefined {
  const v4 = parseIPv4(text);
  if (v4 >= 0) return formatIPv4(v4);
  return parseIPv6(text, words) ? formatIPv6(words) : undefined;
}

/** Parse a port number from 0 to 65535, or return undefined. */
export function parsePort(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port <= 65535 ? port : undefined;
}

/** Parse a non-negative integer counter; empty or bad text is undefined. */
export function parseCounter(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,15}$/.test(text)) return undefined;
  return Number(text);
}
