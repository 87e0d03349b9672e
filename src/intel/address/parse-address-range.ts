import { formatIPv4, parseIPv4 } from './parse-ipv4.js';
import { formatIPv6, mappedIPv4, parseIPv6 } from './parse-ipv6.js';

/**
 * A contiguous block of addresses from one address or CIDR range. Words
 * are unsigned 32-bit, most significant first: one for IPv4, four for
 * IPv6.
 */
export interface AddressRange {
  family: 4 | 6;
  start: number[];
  end: number[];
  prefix: number;
  /** The range as the store spells it: `192.0.2.0/24` or `192.0.2.1`. */
  text: string;
  /** True when the text set bits below the prefix, which were cleared. */
  hostBitsSet: boolean;
}

/** A range, or the reason the text is not one. */
export type AddressRangeResult =
  | { ok: true; range: AddressRange }
  | { ok: false; reason: string };

function parsePrefix(text: string, max: number): number {
  if (!/^(0|[1-9]\d{0,2})$/.test(text)) return -1;
  const prefix = Number(text);
  return prefix <= max ? prefix : -1;
}

/** The mask of the bits of one word that a prefix keeps. */
function wordMask(prefix: number, word: number): number {
  const bits = Math.min(32, Math.max(0, prefix - word * 32));
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

function rangeOf(family: 4 | 6, words: number[], prefix: number): AddressRange {
  const start: number[] = [];
  const end: number[] = [];
  let hostBitsSet = false;
  for (let w = 0; w < words.length; w++) {
    const mask = wordMask(prefix, w);
    const word = words[w] as number;
    if ((word & ~mask) >>> 0 !== 0) hostBitsSet = true;
    start.push((word & mask) >>> 0);
    end.push((word | ~mask) >>> 0);
  }
  const max = family === 4 ? 32 : 128;
  const base =
    family === 4 ? formatIPv4(start[0] as number) : formatIPv6(start);
  const text = prefix === max ? base : `${base}/${prefix}`;
  return { family, start, end, prefix, text, hostBitsSet };
}

/**
 * Parse an address (`192.0.2.1`, `2001:db8::1`) or a CIDR range
 * (`192.0.2.0/24`, `2001:db8::/32`) with any prefix length, /0 included.
 * Host bits set below the prefix are cleared and flagged, so that callers
 * can report them. IPv4-mapped IPv6 (`::ffff:192.0.2.1`, or a mapped
 * range of prefix 96 or more) becomes the IPv4 address or range it
 * carries, because flow logs and audit logs write either form.
 */
export function parseAddressRange(input: string): AddressRangeResult {
  const slash = input.indexOf('/');
  const address = slash < 0 ? input : input.slice(0, slash);
  const prefixText = slash < 0 ? undefined : input.slice(slash + 1);

  const v4 = parseIPv4(address);
  if (v4 >= 0) {
    const prefix = prefixText === undefined ? 32 : parsePrefix(prefixText, 32);
    if (prefix < 0) return { ok: false, reason: `invalid IPv4 prefix length` };
    return { ok: true, range: rangeOf(4, [v4], prefix) };
  }

  const words = new Uint32Array(4);
  if (!parseIPv6(address, words)) {
    return { ok: false, reason: 'not an IP address or CIDR range' };
  }
  const prefix = prefixText === undefined ? 128 : parsePrefix(prefixText, 128);
  if (prefix < 0) return { ok: false, reason: 'invalid IPv6 prefix length' };
  const mapped = mappedIPv4(words);
  if (mapped >= 0 && prefix >= 96) {
    return { ok: true, range: rangeOf(4, [mapped], prefix - 96) };
  }
  return { ok: true, range: rangeOf(6, [...words], prefix) };
}
