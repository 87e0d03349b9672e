import { parseIPv4 } from './parse-ipv4.js';

/**
 * Parse IPv6 text into eight 16-bit groups in `out`, or return false.
 * Accepts `::` compression and a dotted IPv4 tail (`::ffff:192.0.2.1`).
 * A zone (`fe80::1%eth0`) is rejected, because a zone names a link on
 * one host and no feed lists one. Written by hand like parseIPv4, in one
 * pass over the text with no allocation.
 */
export function parseIPv6Groups(text: string, out: Uint16Array): boolean {
  const length = text.length;
  if (length < 2 || length > 45) return false;
  let count = 0;
  let gap = -1;
  let i = 0;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return false;
    gap = 0;
    i = 2;
  }
  while (i < length) {
    const start = i;
    let value = 0;
    let c = 0;
    for (; i < length; i++) {
      c = text.charCodeAt(i);
      // The unsigned compare rejects what lies below `0` as well as above
      // `9`. Setting bit 5 maps A-F onto a-f, which lie 87 above 10-15.
      let digit = c - 48;
      if (digit >>> 0 > 9) {
        digit = (c | 32) - 87;
        if (digit < 10 || digit > 15) break;
      }
      value = (value << 4) | digit;
    }
    if (i - start > 4) return false;
    if (i < length && c === 46) {
      // A dotted IPv4 tail fills the last two groups.
      if (count > 6) return false;
      const v4 = parseIPv4(text, start, length);
      if (v4 < 0) return false;
      out[count++] = v4 >>> 16;
      out[count++] = v4 & 0xffff;
      break;
    }
    if (i === start || count === 8) return false;
    out[count++] = value;
    if (i === length) break;
    if (c !== 58 || i + 1 === length) return false;
    i++;
    if (text.charCodeAt(i) === 58) {
      if (gap >= 0) return false;
      gap = count;
      i++;
    }
  }
  if (gap < 0) return count === 8;
  if (count === 8) return false;
  // Move the groups after `::` to the end and fill the gap with zeros.
  const tail = count - gap;
  for (let k = 0; k < tail; k++) out[7 - k] = out[count - 1 - k] as number;
  for (let k = gap; k < 8 - tail; k++) out[k] = 0;
  return true;
}

/**
 * Parse IPv6 text into four 32-bit words, most significant first, in
 * `out`, or return false.
 */
export function parseIPv6(
  text: string,
  out: Uint32Array,
  groups: Uint16Array = new Uint16Array(8),
): boolean {
  if (!parseIPv6Groups(text, groups)) return false;
  for (let w = 0; w < 4; w++) {
    out[w] =
      (((groups[w * 2] as number) << 16) | (groups[w * 2 + 1] as number)) >>> 0;
  }
  return true;
}

/**
 * The IPv4 address that an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`)
 * carries, or -1 when the words are not such an address.
 */
export function mappedIPv4(words: Uint32Array): number {
  return words[0] === 0 && words[1] === 0 && words[2] === 0xffff
    ? (words[3] as number)
    : -1;
}

/** Format four 32-bit words as compressed IPv6 text (RFC 5952). */
export function formatIPv6(words: ArrayLike<number>): string {
  const groups: number[] = [];
  for (let w = 0; w < 4; w++) {
    const word = words[w] as number;
    groups.push(word >>> 16, word & 0xffff);
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}
