import { formatIPv4, parseIPv4 } from '../../intel/address/parse-ipv4.js';
import { formatIPv6, parseIPv6 } from '../../intel/address/parse-ipv6.js';

const words = new Uint32Array(4);

/**
 * An IP address in one spelling (dotted IPv4, compressed lower-case IPv6)
 * so that inventories and aggregation see one address one way, or
 * undefined when the text is not an address. IPv4-mapped IPv6 stays
 * IPv6 here; intelligence lookups read it as IPv4.
 */
export function normalizeFlowAddress(text: string): string | undefined {
  const v4 = parseIPv4(text);
  if (v4 >= 0) return formatIPv4(v4);
  return parseIPv6(text, words) ? formatIPv6(words) : undefined;
}

/** A port number 0 to 65535, or undefined. */
export function parsePort(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port <= 65535 ? port : undefined;
}

/** A non-negative integer counter, or undefined for empty or bad text. */
export function parseCounter(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,15}$/.test(text)) return undefined;
  return Number(text);
}
