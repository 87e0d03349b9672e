import type { AuditLineProblem, AuditRecord } from './audit-record.js';

/** Longest line accepted; the kernel caps one record near 8,970 bytes. */
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

  const body = text.slice(header.length);
  const split = body.indexOf(ENRICHED_SEPARATOR);
  const raw = split === -1 ? body : body.slice(0, split);
  const resolved = split === -1 ? '' : body.slice(split + 1);
  return {
    type,
    node,
    stamp: `${seconds}.${millis.padStart(3, '0')}`,
    timeMs: Number(seconds) * 1000 + Number(millis.padEnd(3, '0')),
    serial,
    fields: parseAuditFields(raw),
    enriched: parseAuditFields(resolved),
    line,
  };
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
  while (i < text.length) {
    while (text[i] === ' ') i++;
    const keyStart = i;
    while (i < text.length && text[i] !== '=' && text[i] !== ' ') i++;
    if (text[i] !== '=') continue;
    const key = text.slice(keyStart, i);
    i++;

    const valueStart = i;
    const open = text[i];
    const close =
      open === '"' ? '"' : open === "'" ? "'" : open === '{' ? '}' : ' ';
    if (close !== ' ') i++;
    while (i < text.length && text[i] !== close) i++;
    if (close !== ' ' && i < text.length) i++;
    if (key.length > 0 && !fields.has(key)) {
      fields.set(key, text.slice(valueStart, i));
    }
  }
  return fields;
}
