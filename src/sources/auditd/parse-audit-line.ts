import type { AuditLineProblem, AuditRecord } from './audit-record.js';

/**
 * Maximum line length accepted, in characters. The kernel caps one record
 * near 8,970 bytes.
 */
export const MAX_AUDIT_LINE_BYTES = 64 * 1024;

/** The group separator that ENRICHED format puts before resolved fields. */
const ENRICHED_SEPARATOR = '\x1d';

const HEADER =
  /^(?:node=(\S+) )?type=(\S+) msg=audit\((\d{1,12})\.(\d{1,3}):(\d{1,10})\):? ?/;

/**
 * Parses one audit.log line. Returns a problem, never throws, for lines
 * that are too long, lack the `type=… msg=audit(TIME:SERIAL)` header, or
 * have a serial beyond 32 bits.
 */
export function parseAuditLine(
  text: string,
  line: number,
): AuditRecord | AuditLineProblem {
  if (text.length > MAX_AUDIT_LINE_BYTES) {
    return { line, reason: `line longer than ${MAX_AUDIT_LINE_BYTES} bytes` };
  }
  const match = HEADER.exec(text);
  if (!match) {
    return { line, reason: 'missing type=… msg=audit(TIME:SERIAL) header' };
  }
  const [header, node, type, seconds, millis, serialText] =
    match as unknown as [
      string,
      string | undefined,
      string,
      string,
      string,
      string,
    ];
  const serial = Number(serialText);
  if (serial > 0xffffffff) {
    return { line, reason: `serial ${serialText} exceeds 32 bits` };
  }

  return new ParsedAuditRecord(
    type,
    node,
    `${seconds}.${millis.padStart(3, '0')}`,
    Number(seconds) * 1000 + Number(millis.padEnd(3, '0')),
    serial,
    line,
    text.slice(header.length),
  );
}

/**
 * A record whose fields are split on first use: the agent reads only the
 * fields of a few record types, and splitting is most of a line's cost.
 */
class ParsedAuditRecord implements AuditRecord {
  private parsedFields: Map<string, string> | undefined;
  private parsedEnriched: Map<string, string> | undefined;

  constructor(
    readonly type: string,
    readonly node: string | undefined,
    readonly stamp: string,
    readonly timeMs: number,
    readonly serial: number,
    readonly line: number,
    private readonly body: string,
  ) {}

  get fields(): Map<string, string> {
    this.parsedFields ??= parseAuditFields(this.raw());
    return this.parsedFields;
  }

  get enriched(): Map<string, string> {
    const split = this.body.indexOf(ENRICHED_SEPARATOR);
    this.parsedEnriched ??=
      split === -1 ? new Map() : parseAuditFields(this.body.slice(split + 1));
    return this.parsedEnriched;
  }

  private raw(): string {
    const split = this.body.indexOf(ENRICHED_SEPARATOR);
    return split === -1 ? this.body : this.body.slice(0, split);
  }
}

/** True when `value` is a problem rather than a record. */
export function isAuditLineProblem(
  value: AuditRecord | AuditLineProblem,
): value is AuditLineProblem {
  return !('type' in value);
}

/**
 * Splits `key=value` pairs. A value is `"double quoted"`, `'single
 * quoted'` (USER_* records nest their own fields in `msg='…'`), `{ … }`
 * (resolved SOCKADDR), or runs to the next space. Quotes are kept so that
 * callers can tell a literal string from a hex-encoded one. Words without
 * `=` (`auditd normal halt,`) are skipped.
 */
export function parseAuditFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  let i = 0;
  const length = text.length;
  while (i < length) {
    while (text.charCodeAt(i) === 32) i++;
    const equals = text.indexOf('=', i);
    if (equals === -1) break;
    const space = text.indexOf(' ', i);
    if (space !== -1 && space < equals) {
      // A word without `=`, such as `auditd normal halt,`.
      i = space + 1;
      continue;
    }
    const key = text.slice(i, equals);
    const open = text[equals + 1];
    const close =
      open === '"' ? '"' : open === "'" ? "'" : open === '{' ? '}' : ' ';
    let end: number;
    if (close === ' ') {
      end = text.indexOf(' ', equals + 1);
      if (end === -1) end = length;
    } else {
      end = text.indexOf(close, equals + 2);
      end = end === -1 ? length : end + 1;
    }
    if (key.length > 0 && !fields.has(key)) {
      fields.set(key, text.slice(equals + 1, end));
    }
    i = end;
  }
  return fields;
}
