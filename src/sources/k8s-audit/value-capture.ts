/**
 * The bytes of one JSON value as it streams past, kept as slices of the
 * input chunks and bounded by `maxBytes`. Past the bound the bytes are
 * dropped and only their count is kept, so an oversized value costs no
 * memory.
 */
export class ValueCapture {
  active = false;
  /** Line where the value starts. */
  line = 0;
  oversized = false;
  bytes = 0;
  private pieces: Buffer[] = [];
  /** Start of the current piece in the current chunk; -1 when paused. */
  private from = -1;

  constructor(readonly maxBytes: number) {}

  /** Starts a value at byte `index` of the current chunk. */
  start(index: number, line: number): void {
    this.active = true;
    this.line = line;
    this.oversized = false;
    this.bytes = 0;
    this.pieces = [];
    this.from = index;
  }

  /** Stops capturing after byte `index` until `resume` is called. */
  pause(chunk: Buffer, index: number): void {
    this.append(chunk.subarray(this.from, index + 1));
    this.from = -1;
  }

  /** Captures again from byte `index` of the current chunk. */
  resume(index: number): void {
    this.from = index;
  }

  /** Moves the rest of the current chunk into the capture. */
  flush(chunk: Buffer): void {
    if (!this.active || this.from < 0) return;
    this.append(chunk.subarray(this.from));
    this.from = 0;
  }

  /**
   * Ends the value at byte `index` (inclusive; -1 for the byte before the
   * chunk) and returns its text, or undefined when it was oversized.
   */
  finish(chunk: Buffer, index: number): string | undefined {
    if (this.from >= 0 && index >= this.from) {
      this.append(chunk.subarray(this.from, index + 1));
    }
    this.active = false;
    this.from = -1;
    if (this.oversized) return undefined;

    const pieces = this.pieces;
    this.pieces = [];
    if (pieces.length === 1) return (pieces[0] as Buffer).toString('utf8');
    return Buffer.concat(pieces, this.bytes).toString('utf8');
  }

  /** Returns the text captured so far, or undefined when oversized. */
  snapshot(): string | undefined {
    if (this.oversized) return undefined;
    return Buffer.concat(this.pieces, this.bytes).toString('utf8');
  }

  private append(piece: Buffer): void {
    this.bytes += piece.length;
    if (this.oversized) return;
    if (this.bytes > this.maxBytes) {
      this.oversized = true;
      this.pieces = [];
      return;
    }
    this.pieces.push(piece);
  }
}
