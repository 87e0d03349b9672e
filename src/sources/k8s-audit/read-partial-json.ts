import type { JsonObject } from './read-fields.js';

/** The members recovered from a cut JSON object. */
export interface PartialJson {
  members: JsonObject;
  /** False when the object was in fact complete. */
  cut: boolean;
}

/**
 * Recovers the complete top-level members of a JSON object whose text was
 * cut short, as cloud exports do at their size limit.
 *
 * Scans member by member. Each value whose end lies before the cut is
 * parsed with `JSON.parse`. The member being written when the text ends
 * is dropped. Returns undefined when the text is not an object or has a
 * syntax error before its end, because then it was not merely cut.
 */
export function readPartialJson(text: string): PartialJson | undefined {
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== 123) return undefined;

  // A null prototype keeps a `__proto__` member an ordinary entry.
  const members: JsonObject = Object.create(null);
  const cut = { members, cut: true };
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === 125) return { members, cut: false };
  for (;;) {
    if (i >= text.length) return cut;
    if (text.charCodeAt(i) !== 34) return undefined;
    const keyEnd = findStringEnd(text, i);
    if (keyEnd < 0) return cut;
    const key = parseJson(text.slice(i, keyEnd));
    if (typeof key !== 'string') return undefined;

    i = skipSpace(text, keyEnd);
    if (i >= text.length) return cut;
    if (text.charCodeAt(i) !== 58) return undefined;
    i = skipSpace(text, i + 1);
    const valueEnd = findValueEnd(text, i);
    if (valueEnd < 0) return cut;
    const value = parseJson(text.slice(i, valueEnd));
    if (value === INVALID) return undefined;
    members[key] = value;

    i = skipSpace(text, valueEnd);
    if (i >= text.length) return cut;
    const next = text.charCodeAt(i);
    if (next === 125) return { members, cut: false };
    if (next !== 44) return undefined;
    i = skipSpace(text, i + 1);
  }
}

const INVALID = Symbol('invalid');

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return INVALID;
  }
}

function skipSpace(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code !== 32 && code !== 9 && code !== 10 && code !== 13) break;
    i++;
  }
  return i;
}

/** Returns the index after the closing quote of the string at `start`,
 * or -1 when the text ends first. */
function findStringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 92) i++;
    else if (code === 34) return i + 1;
  }
  return -1;
}

/** Returns the index after the value at `start`, or -1 when the text
 * ends before the value does. A scalar at the very end of the text counts
 * as cut, because more digits or letters may have followed. */
function findValueEnd(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first === 34) return findStringEnd(text, start);
  if (first !== 123 && first !== 91) {
    for (let i = start; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === 44 || code === 125 || code === 93 || code <= 32) return i;
    }
    return -1;
  }

  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 34) {
      const end = findStringEnd(text, i);
      if (end < 0) return -1;
      i = end - 1;
    } else if (code === 123 || code === 91) {
      depth++;
    } else if (code === 125 || code === 93) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}
