import type { AuditLineProblem, AuditRecord } from './audit-record.js';

/**
 * Maximum line length accepted, in characters. The kernel caps one record
 * near 8,970 bytes.
 */
export const MAX_AUDIT_LINE_BYTES = 64 * 1024;

/** The group separator that ENRICHED format puts before resolved fields. */
const ENRICHED_SEPARATOR = '\x1d';

const NODE_PREFIX = 'node=';
const TYPE_PREFIX = 'type=';
const MSG_PREFIX = ' msg=audit(';
const SPACE = 32;
const COLON = 58;
const DOT = 46;
const CLOSE_PAREN = 41;

/** Tests for the characters that `\s` matches in a JavaScript RegExp. */
function isRegExpSpace(code: number): boolean {
  if (code <= SPACE) return code === SPACE || (code >= 9 && code <= 13);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** Returns the index of the first `\s` from `from` on, or the length. */
function wordEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && !isRegExpSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Returns the index after at most `max` ASCII digits from `from` on. */
function digitsEnd(text: string, from: number, max: number): number {
  let i = from;
  while (i < text.length && i - from < max) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) break;
    i++;
  }
  return i;
}

/** Computes the number that the ASCII digits in `[from, to)` write. */
function digitsValue(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) value = value * 10 + text.charCodeAt(i) - 48;
  return value;
}

const NO_HEADER = 'missing type=… msg=audit(TIME:SERIAL) header';

/**
 * Parses one audit.log line. Returns a problem, never throws, for lines
 * that are too long, lack the `type=… msg=audit(TIME:SERIAL)` header, or
 * have a serial beyond 32 bits. The header is
 * `[node=NODE ]type=TYPE msg=audit(SECONDS.MILLIS:SERIAL):`, where NODE
 * and TYPE contain no white space, SECONDS has 1 to 12 digits, MILLIS 1
 * to 3 and SERIAL 1 to 10. The colon and one space after it are
 * optional. It is read character by character, which costs a fraction
 * of a regular expression's match and its capture strings.
 */
export function parseAuditLine(
  text: string,
  line: number,
): AuditRecord | AuditLineProblem {
  if (text.length > MAX_AUDIT_LINE_BYTES) {
    return { line, reason: `line longer than ${MAX_AUDIT_LINE_BYTES} bytes` };
  }
  let i = 0;
  let node: string | undefined;
  if (text.startsWith(NODE_PREFIX)) {
    const nodeEnd = wordEnd(text, NODE_PREFIX.length);
    if (nodeEnd === NODE_PREFIX.length || text.charCodeAt(nodeEnd) !== SPACE) {
      return { line, reason: NO_HEADER };
    }
    node = text.slice(NODE_PREFIX.length, nodeEnd);
    i = nodeEnd + 1;
  }
  if (!text.startsWith(TYPE_PREFIX, i)) return { line, reason: NO_HEADER };
  const typeStart = i + TYPE_PREFIX.length;
  const typeEnd = wordEnd(text, typeStart);
  if (typeEnd === typeStart || !text.startsWith(MSG_PREFIX, typeEnd)) {
    return { line, reason: NO_HEADER };
  }

  const secondsStart = typeEnd + MSG_PREFIX.length;
  const secondsEnd = digitsEnd(text, secondsStart, 12);
  const millisStart = secondsEnd + 1;
  const millisEnd = digitsEnd(text, millisStart, 3);
  const serialStart = millisEnd + 1;
  const serialEnd = digitsEnd(text, serialStart, 10);
  if (
    secondsEnd === secondsStart ||
    text.charCodeAt(secondsEnd) !== DOT ||
    millisEnd === millisStart ||
    text.charCodeAt(millisEnd) !== COLON ||
    serialEnd === serialStart ||
    text.charCodeAt(serialEnd) !== CLOSE_PAREN
  ) {
    return { line, reason: NO_HEADER };
  }
  const serial = digitsValue(text, serialStart, serialEnd);
  if (serial > 0xffffffff) {
    const serialText = text.slice(serialStart, serialEnd);
    return { line, reason: `serial ${serialText} exceeds 32 bits` };
  }
  let bodyStart = serialEnd + 1;
  if (text.charCodeAt(bodyStart) === COLON) bodyStart++;
  if (text.charCodeAt(bodyStart) === SPACE) bodyStart++;

  // The kernel writes three digits of milliseconds. Fewer are read as the
  // leading digits of the fraction, and the stamp pads them in front.
  const millisDigits = millisEnd - millisStart;
  const millis =
    digitsValue(text, millisStart, millisEnd) * 10 ** (3 - millisDigits);
  const stamp =
    millisDigits === 3
      ? text.slice(secondsStart, millisEnd)
      : `${text.slice(secondsStart, millisStart)}${text.slice(millisStart, millisEnd).padStart(3, '0')}`;
  return new ParsedAuditRecord(
    text.slice(typeStart, typeEnd),
    node,
    stamp,
    digitsValue(text, secondsStart, secondsEnd) * 1000 + millis,
    serial,
    line,
    text,
    bodyStart,
  );
}

/**
 * A record whose fields are split on first use: the agent reads only the
 * fields of a few record types, and splitting is most of a line's cost.
 * The record keeps the whole line and the offset of its fields rather
 * than a copy of them.
 */
class ParsedAuditRecord implements AuditRecord {
  private parsedFields: Map<string, string> | undefined;
  private parsedEnriched: Map<string, string> | undefined;
  /** Offset of the ENRICHED separator, or the line's length. */
  private readonly split: number;

  constructor(
    readonly type: string,
    readonly node: string | undefined,
    readonly stamp: string,
    readonly timeMs: number,
    readonly serial: number,
    readonly line: number,
    private readonly text: string,
    private readonly bodyStart: number,
  ) {
    const split = text.indexOf(ENRICHED_SEPARATOR, bodyStart);
    this.split = split === -1 ? text.length : split;
  }

  get fields(): Map<string, string> {
    this.parsedFields ??= parseAuditFields(
      this.text,
      this.bodyStart,
      this.split,
    );
    return this.parsedFields;
  }

  get enriched(): Map<string, string> {
    this.parsedEnriched ??=
      this.split === this.text.length
        ? new Map()
        : parseAuditFields(this.text, this.split + 1);
    return this.parsedEnriched;
  }
}

/** True when `value` is a problem rather than a record. */
export function isAuditLineProblem(
  value: AuditRecord | AuditLineProblem,
): value is AuditLineProblem {
  return !('type' in value);
}

/**
 * Splits `key=value` pairs of `text` from `start` to `end`. A value is
 * `"double quoted"`, `'single quoted'` (USER_* records nest their own
 * fields in `msg='…'`), `{ … }` (resolved SOCKADDR), or runs to the next
 * space. Quotes are kept so that callers can tell a literal string from
 * a hex-encoded one. Words without `=` (`auditd normal halt,`) are
 * skipped.
 */
export function parseAuditFields(
  text: string,
  start = 0,
  end = text.length,
): Map<string, string> {
  const fields = new Map<string, string>();
  let i = start;
  while (i < end) {
    while (i < end && text.charCodeAt(i) === SPACE) i++;
    const equals = text.indexOf('=', i);
    if (equals === -1 || equals >= end) break;
    const space = text.indexOf(' ', i);
    if (space !== -1 && space < equals) {
      // A word without `=`, such as `auditd normal halt,`.
      i = space + 1;
      continue;
    }
    const key = text.slice(i, equals);
    const open = equals + 1 < end ? text[equals + 1] : undefined;
    const close =
      open === '"' ? '"' : open === "'" ? "'" : open === '{' ? '}' : ' ';
    let valueEnd: number;
    if (close === ' ') {
      valueEnd = text.indexOf(' ', equals + 1);
      if (valueEnd === -1 || valueEnd > end) valueEnd = end;
    } else {
      valueEnd = text.indexOf(close, equals + 2);
      valueEnd = valueEnd === -1 || valueEnd >= end ? end : valueEnd + 1;
    }
    if (key.length > 0 && !fields.has(key)) {
      fields.set(key, text.slice(equals + 1, valueEnd));
    }
    i = valueEnd;
  }
  return fields;
}
