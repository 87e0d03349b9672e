/**
 * Characters that a terminal acts on or that hide or reorder text: C0
 * and C1 controls (escape sequences, carriage returns, the 8-bit CSI),
 * zero-width characters, the line and paragraph separators, and the
 * bidirectional marks, embeddings, overrides and isolates.
 */
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to match them
  /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** The characters of UNSAFE that JSON.stringify leaves as they are. */
const UNSAFE_IN_JSON =
  /[\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

function unicodeEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Make a string safe to print on a terminal: the characters of UNSAFE
 * are shown as `\u` escapes, so hostile pod names and user agents cannot
 * rewrite the screen or hide part of a name.
 */
export function safeText(value: string): string {
  return value.replace(UNSAFE, unicodeEscape);
}

/**
 * Serialize a value as one line of JSON that is safe to print on a
 * terminal. JSON.stringify escapes only C0 controls, so the other
 * characters of UNSAFE are written as `\u` escapes, which JSON readers
 * decode to the same string.
 */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE_IN_JSON, unicodeEscape);
}
