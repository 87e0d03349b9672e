import type { K8sAuditEvent } from '../event.js';
import type { AuditFormat } from './audit-format.js';
import {
  type AuditReadStats,
  createAuditReadStats,
} from './audit-read-stats.js';
import {
  type AuditDiagnostic,
  AuditValueHandler,
} from './audit-value-handler.js';
import { JsonValueSplitter } from './json-value-splitter.js';
import { openAuditInput } from './open-audit-input.js';

/** Default bound on one line or JSON value, in bytes. */
export const DEFAULT_MAX_VALUE_BYTES = 16 * 1024 * 1024;

/** Options of `readAuditFile`. */
export interface ReadAuditOptions {
  /** Expected format; `auto` (the default) sniffs each value. */
  format?: AuditFormat;
  /** Cluster for sources that do not name one; default `unknown`. */
  defaultCluster?: string;
  /** Maximum size of a line or value, in bytes. Larger ones are reported
   * and skipped. Default 16 MiB. */
  maxValueBytes?: number;
  /** Filled while reading; see `createAuditReadStats`. */
  stats?: AuditReadStats;
  /** Called with the size of each chunk read from the file, before any
   * decompression, for progress displays. */
  onInputBytes?: (bytes: number) => void;
  /** Called for every input that produced no event. */
  onDiagnostic?: (diagnostic: AuditDiagnostic) => void;
}

const NEWLINE = Buffer.from('\n');

/**
 * Reads the Kubernetes audit events of a file (`-` for standard input),
 * gzip-compressed or not, in any supported format.
 *
 * A file whose first line is a complete value is read as JSON lines, the
 * fast path. Otherwise it is a JSON document (pretty-printed, a `[…]`
 * array, or an object with `items`, `records`, `logEvents` or `events`),
 * split into values in bounded memory. Unusable inputs go to
 * `onDiagnostic` and reading goes on. Throws only when the file cannot
 * be read.
 */
export async function* readAuditFile(
  path: string,
  options: ReadAuditOptions = {},
): AsyncGenerator<K8sAuditEvent> {
  for await (const batch of readAuditBatches(path, options)) yield* batch;
}

/**
 * Reads a file as readAuditFile does, yielding the events of each input
 * chunk as one array. Iterating arrays spares the promise that an async
 * generator costs per event, which matters at a million events.
 */
export async function* readAuditBatches(
  path: string,
  options: ReadAuditOptions = {},
): AsyncGenerator<K8sAuditEvent[]> {
  const maxBytes = options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
  const stats = options.stats ?? createAuditReadStats();
  const handler = new AuditValueHandler({
    file: path,
    format: options.format ?? 'auto',
    defaultCluster: options.defaultCluster,
    maxValueBytes: maxBytes,
    stats,
    onDiagnostic: options.onDiagnostic,
  });
  const lines = new LineReader(handler, maxBytes);

  let first = true;
  for await (let chunk of openAuditInput(path, options.onInputBytes)) {
    if (first) {
      chunk = withoutByteOrderMark(chunk);
      first = false;
    }
    lines.push(chunk);
    const events = handler.drain();
    if (events.length > 0) yield events;
  }
  lines.end();
  stats.lines = lines.lineCount();
  const events = handler.drain();
  if (events.length > 0) yield events;
}

function withoutByteOrderMark(chunk: Buffer): Buffer {
  const bom = chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf;
  return bom ? chunk.subarray(3) : chunk;
}

/**
 * Splits chunks into lines with `Buffer.indexOf`, and hands the input to
 * a `JsonValueSplitter` instead when the first meaningful line opens a
 * document that continues on later lines.
 */
class LineReader {
  private line = 0;
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private skipping = false;
  private decided = false;
  private splitter: JsonValueSplitter | undefined;
  private endsWithNewline = true;

  constructor(
    private readonly handler: AuditValueHandler,
    private readonly maxBytes: number,
  ) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.endsWithNewline = chunk[chunk.length - 1] === 10;
    if (this.splitter !== undefined) {
      this.splitter.push(chunk);
      return;
    }

    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(10, start);
      if (newline < 0) {
        this.keepPartialLine(chunk.subarray(start));
        return;
      }
      this.line++;
      const lineStart = start;
      start = newline + 1;
      // Lines within the chunk are read in place: a Buffer view per line
      // costs more than the line's own decoding.
      let bytes = chunk;
      let from = lineStart;
      let to = newline;
      if (this.skipping || this.carry.length > 0) {
        const joined = this.takeLine(chunk.subarray(lineStart, newline));
        if (joined === undefined) continue;
        bytes = joined;
        from = 0;
        to = joined.length;
      } else if (newline - lineStart > this.maxBytes) {
        this.reportOversized(this.line);
        continue;
      }
      if (!this.decided && this.opensDocument(bytes, from, to)) {
        const line = bytes.subarray(from, to);
        this.startDocument([line, NEWLINE, chunk.subarray(start)], this.line);
        return;
      }
      this.handleLine(bytes, from, to);
    }
  }

  end(): void {
    if (this.splitter !== undefined) {
      this.splitter.end();
      return;
    }
    if (this.carry.length === 0 || this.skipping) return;
    this.line++;
    const bytes = this.takeLine(Buffer.alloc(0));
    if (bytes === undefined) return;
    if (!this.decided && this.opensDocument(bytes, 0, bytes.length)) {
      this.startDocument([bytes], this.line).end();
      return;
    }
    this.handleLine(bytes, 0, bytes.length);
  }

  /** Returns the number of lines read, a last line without newline included. */
  lineCount(): number {
    if (this.splitter === undefined) return this.line;
    return this.splitter.line - (this.endsWithNewline ? 1 : 0);
  }

  private keepPartialLine(piece: Buffer): void {
    if (this.skipping) return;
    this.carry.push(piece);
    this.carryBytes += piece.length;
    if (this.carryBytes <= this.maxBytes) return;

    if (!this.decided) {
      // A first line this long is a one-line document, such as a large
      // EventList: split it instead of rejecting it.
      this.startDocument(this.carry, this.line + 1);
    } else {
      this.reportOversized(this.line + 1);
      this.skipping = true;
    }
    this.carry = [];
    this.carryBytes = 0;
  }

  /** Joins the carried start of a line with its end; undefined when the
   * line was skipped or is too long. */
  private takeLine(tail: Buffer): Buffer | undefined {
    if (this.skipping) {
      this.skipping = false;
      return undefined;
    }
    let bytes = tail;
    if (this.carry.length > 0) {
      this.carry.push(tail);
      bytes = Buffer.concat(this.carry, this.carryBytes + tail.length);
      this.carry = [];
      this.carryBytes = 0;
    }
    if (bytes.length > this.maxBytes) {
      this.reportOversized(this.line);
      return undefined;
    }
    return bytes;
  }

  /** Decides the mode on the first non-blank line, `bytes[from, to)`.
   * A line that starts a top-level array, or ends in `{`, `[`, `,` or
   * `:`, opens a document. */
  private opensDocument(bytes: Buffer, from: number, to: number): boolean {
    let first = from;
    while (first < to && isSpace(bytes[first] as number)) first++;
    if (first === to) return false;
    this.decided = true;

    let last = to - 1;
    while (isSpace(bytes[last] as number)) last--;
    if (bytes[first] === 91) return true;
    const end = bytes[last];
    return end === 123 || end === 91 || end === 44 || end === 58;
  }

  private startDocument(
    pieces: Buffer[],
    firstLine: number,
  ): JsonValueSplitter {
    this.decided = true;
    const handler = this.handler;
    const splitter = new JsonValueSplitter(
      this.maxBytes,
      (value) => handler.handleSplit(value),
      handler.reportProblem,
      firstLine,
    );
    for (const piece of pieces) splitter.push(piece);
    this.splitter = splitter;
    return splitter;
  }

  /** Hands `bytes[from, to)`, without surrounding blanks, to the handler. */
  private handleLine(bytes: Buffer, from: number, to: number): void {
    let end = to;
    while (end > from && isSpace(bytes[end - 1] as number)) end--;
    let start = from;
    while (start < end && isSpace(bytes[start] as number)) start++;
    if (start === end) return;
    this.handler.handleLine(bytes.toString('utf8', start, end), this.line);
  }

  private reportOversized(line: number): void {
    this.handler.report(
      'value-too-large',
      `line is longer than the maximum of ${this.maxBytes} bytes`,
      line,
    );
  }
}

function isSpace(byte: number): boolean {
  return byte === 32 || byte === 9 || byte === 13;
}
