/**
 * Finds the lines of strings inside a parsed JSON document, so that flow
 * tuples can be reported as `FILE:LINE`. Tuples are looked up in file
 * order, so each search starts where the previous one ended and the
 * whole text is scanned about once. The text may be one record of a
 * file, whose first line is `firstLine`.
 */
export class TextLocator {
  private readonly newlines: number[] = [];
  private cursor = 0;

  constructor(
    private readonly text: string,
    private readonly firstLine = 1,
  ) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
      this.newlines.push(i);
    }
  }

  /** Find the line of the next `"needle"` after the last one, or the first. */
  lineOf(needle: string): number {
    const quoted = `"${needle}"`;
    let at = this.text.indexOf(quoted, this.cursor);
    if (at < 0) at = this.text.indexOf(quoted);
    if (at < 0) return this.firstLine;
    this.cursor = at + quoted.length;
    return this.lineAt(at);
  }

  /** Convert a character offset to its line number in the file. */
  lineAt(offset: number): number {
    let low = 0;
    let high = this.newlines.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.newlines[mid] as number) < offset) low = mid + 1;
      else high = mid;
    }
    return low + this.firstLine;
  }
}
