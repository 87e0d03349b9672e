/**
 * Characters that hide or reorder text, beyond the C0 and C1 controls
 * that a terminal acts on. They are the soft hyphen, zero-width and
 * other invisible format characters, and the line and paragraph
 * separators. They also include every character of Unicode's
 * Bidi_Control property, the interlinear annotation characters and the
 * tag characters.
 */
const HIDDEN =
  '\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u206f\\ufeff\\ufff9-\\ufffb\\u{e0000}-\\u{e007f}';
const UNSAFE = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f${HIDDEN}]`, 'gu');

/** The characters of UNSAFE that JSON.stringify leaves as they are. */
const UNSAFE_IN_JSON = new RegExp(`[\\u007f-\\u009f${HIDDEN}]`, 'gu');

/** Writes each UTF-16 unit of `c` as a `\u` escape. */
function unicodeEscape(c: string): string {
  let escaped = '';
  for (let i = 0; i < c.length; i++) {
    escaped += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
  }
  return escaped;
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
