/** Compiled tests of a string against many prefixes or suffixes. */

/**
 * Build a test for any of many prefixes that compares only the needles
 * sharing the value's first character, since lists such as attack tools'
 * user agents meet every audit event.
 */
export function anyPrefix(needles: string[]): (s: string) => boolean {
  if (needles.includes('')) return () => true;
  const byFirst = groupBy(needles, (n) => n.charAt(0));
  return (s) => {
    const group = byFirst.get(s.charAt(0));
    if (group === undefined) return false;
    for (const needle of group) if (s.startsWith(needle)) return true;
    return false;
  };
}

/** Build the suffix counterpart of anyPrefix, grouped by last character. */
export function anySuffix(needles: string[]): (s: string) => boolean {
  if (needles.includes('')) return () => true;
  const byLast = groupBy(needles, (n) => n.charAt(n.length - 1));
  return (s) => {
    const group = byLast.get(s.charAt(s.length - 1));
    if (group === undefined) return false;
    for (const needle of group) if (s.endsWith(needle)) return true;
    return false;
  };
}

function groupBy(
  needles: string[],
  key: (needle: string) => string,
): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const needle of needles) {
    const group = groups.get(key(needle));
    if (group) group.push(needle);
    else groups.set(key(needle), [needle]);
  }
  return groups;
}

const NOT_ASCII = -1;

/**
 * Build a test for any of many lowercase prefixes that ignores the case
 * of the value as lowering its first characters (as many as the longest
 * needle) does. Values whose compared characters are ASCII are folded
 * one character at a time, without a lowercase copy. Others are lowered,
 * because Unicode case mapping can turn a non-ASCII character into an
 * ASCII one (the Kelvin sign lowers to k) or into two characters.
 */
export function anyPrefixIgnoringCase(
  needles: string[],
): (s: string) => boolean {
  if (needles.includes('')) return () => true;
  const exact = anyPrefix(needles);
  const reach = Math.max(...needles.map((n) => n.length));
  const lowered = (s: string) => exact(s.slice(0, reach).toLowerCase());

  // An ASCII value's first character picks the needles to compare.
  const byFirst: (string[] | undefined)[] = [];
  for (const [first, group] of groupBy(needles, (n) => n.charAt(0))) {
    const code = first.charCodeAt(0);
    if (code < 128) byFirst[code] = group;
  }
  return (s) => {
    const first = s.charCodeAt(0);
    if (!(first < 128)) return lowered(s);
    const group = byFirst[foldAscii(first)];
    if (group === undefined) return false;
    for (const needle of group) {
      const found = startsWithFolded(s, needle);
      if (found === NOT_ASCII) return lowered(s);
      if (found === 1) return true;
    }
    return false;
  };
}

/** Returns 1 when `s` starts with `needle` after ASCII folding, 0 when
 * it does not, or NOT_ASCII at a non-ASCII character before a mismatch. */
function startsWithFolded(s: string, needle: string): number {
  if (s.length < needle.length) {
    for (let i = 0; i < s.length; i++) {
      if (s.charCodeAt(i) >= 128) return NOT_ASCII;
    }
    return 0;
  }
  for (let i = 0; i < needle.length; i++) {
    const code = s.charCodeAt(i);
    if (code >= 128) return NOT_ASCII;
    if (foldAscii(code) !== needle.charCodeAt(i)) return 0;
  }
  return 1;
}

/** Lowers an ASCII letter's character code; other codes stay. */
function foldAscii(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}
