/**
 * Finds the line on which a JSON document first states `"KEY": "VALUE"`,
 * so that problems in parsed bundles can still be reported as
 * `FILE:LINE`. The index is built in one pass over the text.
 */
export class JsonLineIndex {
  private readonly lines = new Map<string, number>();

  constructor(text: string, key: string) {
    const pattern = new RegExp(`"${key}"\\s*:\\s*"([^"\\\\]{1,200})"`, 'g');
    let line = 1;
    let last = 0;
    for (const match of text.matchAll(pattern)) {
      for (let i = last; i < match.index; i++) {
        if (text.charCodeAt(i) === 10) line++;
      }
      last = match.index;
      const value = match[1] as string;
      if (!this.lines.has(value)) this.lines.set(value, line);
    }
  }

  /** The line of the value, or 1 when it was not found. */
  lineOf(value: unknown): number {
    return typeof value === 'string' ? (this.lines.get(value) ?? 1) : 1;
  }
}

/**
 * The line of a JSON.parse error, from the position that V8 puts in the
 * message, or line 1.
 * NOTE: the V8 of Node.js 20 often names no position, so line 1 it is.
 */
export function jsonErrorLine(text: string, error: Error): number {
  const lineColumn = /\(line (\d+) column \d+\)/.exec(error.message);
  if (lineColumn) return Number(lineColumn[1]);
  const position = /position (\d+)/.exec(error.message);
  if (!position) return 1;
  const end = Number(position[1]);
  let line = 1;
  for (let i = 0; i < end && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) line++;
  }
  return line;
}
