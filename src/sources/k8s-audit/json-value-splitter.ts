import type { AuditProblem } from './audit-problem.js';
import { isPlainObject, type JsonObject } from './read-fields.js';
import { ValueCapture } from './value-capture.js';

/** One JSON value found in a byte stream. */
export interface SplitValue {
  text: string;
  /** Line where the value starts. */
  line: number;
  /** True when the input ended or broke off before the value closed. */
  cut: boolean;
  /** For an element of a streamed array: the array's key and the members
   * of the enclosing object that precede it. */
  envelope?: { key: string; index: number; members: JsonObject };
}

// Arrays of these members are streamed element by element by default:
// EventList items, AKS records, CloudWatch logEvents and filter-log-events
// events.
const STREAMED_KEYS: ReadonlySet<string> = new Set([
  'items',
  'records',
  'logEvents',
  'events',
]);

const NEWLINE = 10;
const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const COLON = 58;

/**
 * Splits a stream of JSON text into values in bounded memory: one value
 * per top-level document, one per element of a top-level array, and one
 * per element of a streamed member array of a top-level object (by
 * default `items`, `records`, `logEvents` and `events`). Values may span
 * lines or share one.
 *
 * It tracks only strings and brackets; `JSON.parse` validates each value.
 * A raw newline inside a string, or a `{` at the start of a line inside
 * an object member, means the previous value was cut. That value is
 * emitted with `cut` and splitting restarts there, so one broken line of
 * a JSON-lines file does not swallow the next.
 *
 * NOTE: members after a streamed array (such as a `nextToken` after
 * `events`) are not passed to its elements.
 */
export class JsonValueSplitter {
  /** Current line, 1-based. */
  line: number;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private lineStart = true;
  private topIsObject = false;
  private expectKey = false;
  private keyText: string | undefined;
  private lastKey = '';
  private streamNext = false;
  private streamKey: string | undefined;
  private envelope: JsonObject | undefined;
  /** Depth at which elements are split out; 0 when none are. */
  private elementDepth = 0;
  private elementIndex = 0;
  private scalarElement = false;
  private garbage: string | undefined;
  private readonly outer: ValueCapture;
  private readonly inner: ValueCapture;

  constructor(
    maxValueBytes: number,
    private readonly onValue: (value: SplitValue) => void,
    private readonly onProblem: (problem: AuditProblem) => void,
    firstLine = 1,
    /** Member names whose arrays are streamed element by element. */
    private readonly streamedKeys = STREAMED_KEYS,
  ) {
    this.line = firstLine;
    this.outer = new ValueCapture(maxValueBytes);
    this.inner = new ValueCapture(maxValueBytes);
  }

  /** Splits the next chunk of input. */
  push(chunk: Buffer): void {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (this.inString) {
        this.scanString(chunk, i, byte);
      } else if (this.garbage !== undefined) {
        this.scanGarbage(byte);
      } else if (byte === 32 || byte === 9 || byte === 13) {
        // Indentation means a pretty-printed document, not a new line
        // of a JSON-lines file.
        this.lineStart = false;
      } else if (byte === NEWLINE) {
        this.line++;
        this.lineStart = true;
      } else {
        this.scanToken(chunk, i, byte);
        this.lineStart = false;
      }
    }
    this.outer.flush(chunk);
    this.inner.flush(chunk);
  }

  /** Reports a value left open at the end of input. */
  end(): void {
    const empty = Buffer.alloc(0);
    if (this.garbage !== undefined) this.reportGarbage();
    if (this.depth > 0 || this.scalarElement) this.breakOff(empty, -1);
  }

  private scanString(chunk: Buffer, index: number, byte: number): void {
    if (this.escaped) {
      this.escaped = false;
    } else if (byte === BACKSLASH) {
      this.escaped = true;
    } else if (byte === QUOTE) {
      this.inString = false;
      if (this.keyText !== undefined) {
        this.lastKey = this.keyText;
        this.keyText = undefined;
      }
    } else if (byte === NEWLINE) {
      // JSON strings cannot hold a raw newline: the line was cut.
      this.breakOff(chunk, index - 1);
      this.line++;
      this.lineStart = true;
    } else if (this.keyText !== undefined && this.keyText.length < 32) {
      this.keyText += String.fromCharCode(byte);
    }
  }

  private scanToken(chunk: Buffer, index: number, byte: number): void {
    if (this.depth === 0 && !this.scalarElement) {
      this.startTopLevel(index, byte);
      return;
    }
    if (
      this.lineStart &&
      byte === OPEN_BRACE &&
      this.topIsObject &&
      this.depth !== this.elementDepth
    ) {
      this.breakOff(chunk, index - 1);
      this.startTopLevel(index, byte);
      return;
    }
    if (this.depth === this.elementDepth) {
      this.scanElementLevel(chunk, index, byte);
      return;
    }
    this.scanNested(chunk, index, byte);
  }

  private startTopLevel(index: number, byte: number): void {
    if (byte === OPEN_BRACE) {
      this.depth = 1;
      this.topIsObject = true;
      this.expectKey = true;
      this.outer.start(index, this.line);
    } else if (byte === OPEN_BRACKET) {
      this.depth = 1;
      this.topIsObject = false;
      this.elementDepth = 1;
      this.outer.line = this.line;
    } else {
      this.garbage = String.fromCharCode(byte);
      this.outer.line = this.line;
    }
  }

  /** Handles a byte directly inside the array whose elements are split. */
  private scanElementLevel(chunk: Buffer, index: number, byte: number): void {
    if (byte === COMMA || byte === CLOSE_BRACKET) {
      if (this.scalarElement) {
        this.scalarElement = false;
        this.emitInner(chunk, index - 1, false);
      }
      if (byte === CLOSE_BRACKET) this.closeSplitArray(index);
      return;
    }
    if (this.scalarElement) {
      if (byte === QUOTE) this.inString = true;
      return;
    }

    this.inner.start(index, this.line);
    if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      this.depth++;
    } else {
      this.scalarElement = true;
      if (byte === QUOTE) this.inString = true;
    }
  }

  private closeSplitArray(index: number): void {
    this.depth--;
    this.elementDepth = 0;
    if (this.depth === 0) {
      this.reset();
      return;
    }
    // Back in the enclosing object: capture its later members again.
    this.streamKey = undefined;
    this.elementIndex = 0;
    this.outer.resume(index);
  }

  /** Handles a byte inside a value that is captured whole. */
  private scanNested(chunk: Buffer, index: number, byte: number): void {
    const memberLevel = this.topIsObject && this.depth === 1;
    if (byte === QUOTE) {
      this.inString = true;
      if (memberLevel && this.expectKey) {
        this.expectKey = false;
        this.keyText = '';
      }
      this.streamNext = false;
      return;
    }
    if (memberLevel) {
      if (this.scanMemberLevel(chunk, index, byte)) return;
    }

    if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      this.depth++;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      this.depth--;
      if (this.depth === 0) this.finishTopLevel(chunk, index);
      else if (this.depth === this.elementDepth)
        this.emitInner(chunk, index, false);
    }
  }

  /** Tracks member keys of the top-level object; returns true when the
   * byte opened a streamed array. */
  private scanMemberLevel(chunk: Buffer, index: number, byte: number): boolean {
    if (byte === COMMA) {
      this.expectKey = true;
      return true;
    }
    if (byte === COLON) {
      this.streamNext = this.streamedKeys.has(this.lastKey);
      return true;
    }
    const stream = this.streamNext && byte === OPEN_BRACKET;
    this.streamNext = false;
    if (!stream) return false;

    this.outer.pause(chunk, index);
    this.envelope = this.parseEnvelope();
    this.streamKey = this.lastKey;
    this.depth = 2;
    this.elementDepth = 2;
    this.elementIndex = 0;
    return true;
  }

  /** Parses the members before a streamed array, for its elements. */
  private parseEnvelope(): JsonObject {
    const text = this.outer.snapshot();
    if (text === undefined) return {};
    try {
      const value: unknown = JSON.parse(`${text}]}`);
      return isPlainObject(value) ? value : {};
    } catch {
      return {};
    }
  }

  private finishTopLevel(chunk: Buffer, index: number): void {
    const streamed = this.envelope !== undefined;
    const text = this.outer.finish(chunk, index);
    if (!streamed) {
      if (text === undefined) this.reportOversized(this.outer);
      else this.onValue({ text, line: this.outer.line, cut: false });
    }
    this.reset();
  }

  private emitInner(chunk: Buffer, index: number, cut: boolean): void {
    const text = this.inner.finish(chunk, index);
    const elementIndex = this.elementIndex++;
    if (text === undefined) {
      this.reportOversized(this.inner);
      return;
    }
    const value: SplitValue = { text, line: this.inner.line, cut };
    if (this.streamKey !== undefined) {
      value.envelope = {
        key: this.streamKey,
        index: elementIndex,
        members: this.envelope ?? {},
      };
    }
    this.onValue(value);
  }

  /** Emits what is open as cut after the input broke off at `index`. */
  private breakOff(chunk: Buffer, index: number): void {
    if (this.inner.active) {
      this.emitInner(chunk, index, true);
    }
    if (this.outer.active && this.envelope === undefined) {
      const text = this.outer.finish(chunk, index);
      if (text === undefined) this.reportOversized(this.outer);
      else this.onValue({ text, line: this.outer.line, cut: true });
    } else if (this.elementDepth > 0 || this.envelope !== undefined) {
      this.outer.finish(chunk, index);
      this.onProblem({
        code: 'incomplete-document',
        reason: `incomplete JSON document: the document that starts at line ${this.outer.line} ends before its closing bracket`,
        line: this.outer.line,
      });
    }
    this.reset();
  }

  private scanGarbage(byte: number): void {
    if (byte === NEWLINE) {
      this.reportGarbage();
      this.line++;
      this.lineStart = true;
    } else if ((this.garbage as string).length < 40) {
      this.garbage += String.fromCharCode(byte);
    }
  }

  private reportGarbage(): void {
    const text = (this.garbage as string).trim();
    this.garbage = undefined;
    this.onProblem({
      code: 'invalid-json',
      reason: `invalid JSON: expected an object or array, found "${text}"`,
      line: this.outer.line,
    });
  }

  private reportOversized(capture: ValueCapture): void {
    this.onProblem({
      code: 'value-too-large',
      reason: `JSON value of ${capture.bytes} bytes is larger than the maximum of ${this.maxBytes} bytes`,
      line: capture.line,
    });
  }

  private get maxBytes(): number {
    return this.outer.maxBytes;
  }

  private reset(): void {
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.expectKey = false;
    this.keyText = undefined;
    this.lastKey = '';
    this.streamNext = false;
    this.streamKey = undefined;
    this.envelope = undefined;
    this.elementDepth = 0;
    this.elementIndex = 0;
    this.scalarElement = false;
    this.outer.active = false;
    this.inner.active = false;
  }
}
