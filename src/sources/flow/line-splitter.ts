import type { FlowProblem } from './flow-format.js';

const NEWLINE = 10;

/**
 * Splits byte chunks into lines in bounded memory and passes each on as
 * UTF-8 text without its `\n`. A line longer than `maxLineBytes` is
 * reported and skipped without being kept, and splitting goes on at the
 * next line.
 */
export class LineSplitter {
  private line = 0;
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private skipping = false;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: (text: string, line: number) => void,
    private readonly onProblem: (problem: FlowProblem) => void,
  ) {}

  /** Split the next chunk of input. */
  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline < 0) break;
      this.line++;
      this.finishLine(chunk.subarray(start, newline));
      start = newline + 1;
    }
    this.keep(chunk.subarray(start));
  }

  /** Pass on a last line that has no `\n`. */
  end(): void {
    if (this.carryBytes === 0 && !this.skipping) return;
    this.line++;
    this.finishLine(Buffer.alloc(0));
  }

  private keep(piece: Buffer): void {
    if (piece.length === 0 || this.skipping) return;
    this.carryBytes += piece.length;
    if (this.carryBytes > this.maxLineBytes) {
      this.skipping = true;
      this.carry = [];
      return;
    }
    this.carry.push(piece);
  }

  private finishLine(tail: Buffer): void {
    let bytes = tail;
    if (this.carry.length > 0) {
      this.carry.push(tail);
      bytes = Buffer.concat(this.carry, this.carryBytes + tail.length);
    }
    const tooLong = this.skipping || bytes.length > this.maxLineBytes;
    this.carry = [];
    this.carryBytes = 0;
    this.skipping = false;
    if (tooLong) {
      this.onProblem({
        line: this.line,
        reason: `line is longer than the maximum of ${this.maxLineBytes} bytes`,
      });
      return;
    }
    this.onLine(bytes.toString('utf8'), this.line);
  }
}
