/**
 * Make a string safe to print on a terminal: control characters (escape
 * sequences, carriage returns, bidirectional overrides) are shown as
 * `\u` escapes, so hostile pod names and user agents cannot rewrite the
 * screen.
 */
export function safeText(value: string): string {
  return value.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to match them
    /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
