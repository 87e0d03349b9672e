import type { AuditRecord } from './audit-record.js';
import { decodeAuditNumber } from './audit-value.js';

/** Arguments kept from one EXECVE event; the rest are dropped. */
export const MAX_ARGUMENTS = 1024;
/** Bytes kept from one argument. */
export const MAX_ARGUMENT_BYTES = 64 * 1024;

/** The argument vector of an exec and whether it was cut short. */
export interface DecodedArguments {
  argv: string[];
  truncated: boolean;
}

const ARGUMENT_KEY = /^a(\d{1,7})(?:\[(\d{1,7})\])?$/;

/** A `"…"` value short enough to keep whole, with printable ASCII only. */
function isPlainQuoted(raw: string): boolean {
  if (raw.length < 2 || raw.length - 2 > MAX_ARGUMENT_BYTES) return false;
  if (raw.charCodeAt(0) !== 34 || raw.charCodeAt(raw.length - 1) !== 34) {
    return false;
  }
  for (let i = 1; i < raw.length - 1; i++) {
    const code = raw.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return false;
  }
  return true;
}

function valueBytes(raw: string): Buffer {
  if (raw.startsWith('"')) return Buffer.from(raw.slice(1, -1), 'utf8');
  return Buffer.from(raw, 'hex');
}

/**
 * Rebuilds argv from the EXECVE records of one event. An argument is
 * `aN="text"`, `aN=HEX`, or, when longer than the kernel logs in one
 * field, `aN_len=…` followed by chunks `aN[0]`, `aN[1]`… whose bytes are
 * joined before decoding, so a character split across chunks survives.
 * The kernel may spread one argv over several EXECVE records; `argc`
 * appears in the first. Arguments that never arrived are counted as a
 * cut (`truncated`).
 */
export function decodeExecve(records: AuditRecord[]): DecodedArguments {
  const pieces = new Map<number, Array<Buffer | string>>();
  let argc: number | undefined;
  let truncated = false;
  for (const record of records) {
    argc ??= decodeAuditNumber(record.fields.get('argc'));
    for (const [key, raw] of record.fields) {
      // Cheap test first: most fields of other records start elsewhere.
      if (key.charCodeAt(0) !== 97 /* a */) continue;
      const match = ARGUMENT_KEY.exec(key);
      if (!match) continue;
      const index = Number(match[1]);
      if (index >= MAX_ARGUMENTS) {
        truncated = true;
        continue;
      }
      let chunks = pieces.get(index);
      if (!chunks) {
        chunks = [];
        pieces.set(index, chunks);
      }
      chunks[match[2] === undefined ? 0 : Number(match[2])] =
        match[2] === undefined && isPlainQuoted(raw)
          ? raw.slice(1, -1)
          : valueBytes(raw);
    }
  }

  const count = Math.min(argc ?? pieces.size, MAX_ARGUMENTS);
  if (argc !== undefined && argc > MAX_ARGUMENTS) truncated = true;
  const argv: string[] = [];
  for (let index = 0; index < count; index++) {
    const chunks = pieces.get(index);
    if (!chunks) {
      truncated = true;
      break;
    }
    const only = chunks.length === 1 ? chunks[0] : undefined;
    if (typeof only === 'string') {
      // A whole quoted argument: the kernel quotes only printable ASCII,
      // so its characters are its bytes and it needs no Buffer.
      argv.push(only);
      continue;
    }
    let bytes = Buffer.concat(
      chunks
        .filter((chunk) => chunk !== undefined)
        .map((chunk) =>
          typeof chunk === 'string' ? Buffer.from(chunk) : chunk,
        ),
    );
    if (bytes.length > MAX_ARGUMENT_BYTES) {
      bytes = bytes.subarray(0, MAX_ARGUMENT_BYTES);
      truncated = true;
    }
    argv.push(bytes.toString('utf8'));
  }
  return { argv, truncated };
}

/**
 * Decodes PROCTITLE: the process's command line as hex of NUL-separated
 * arguments, or a quoted string when it has no NUL or special character.
 * The kernel keeps only its first 128 bytes.
 */
export function decodeProctitle(raw: string | undefined): string[] {
  if (raw === undefined || raw === '(null)') return [];
  const bytes = raw.startsWith('"')
    ? Buffer.from(raw.slice(1, -1), 'utf8')
    : Buffer.from(raw, 'hex');
  const parts = bytes.toString('utf8').split('\0');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}
