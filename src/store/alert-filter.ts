import type { AlertStatus } from '../alerts/alert.js';
import type { Severity } from '../engine/rule-schema.js';

/** The position after the last alert of a page: its start time and id. */
export interface AlertCursor {
  startMs: number;
  id: string;
}

/** Filters of an alert listing; unset fields match everything. */
export interface AlertFilter {
  cluster?: string | undefined;
  severity?: Severity | undefined;
  minSeverity?: Severity | undefined;
  alertType?: string | undefined;
  status?: AlertStatus | undefined;
  /** Alerts whose last occurrence is at or after this time (ms). */
  fromMs?: number | undefined;
  /** Alerts whose first occurrence is at or before this time (ms). */
  toMs?: number | undefined;
  /** Text that some entity value contains, case-insensitively. */
  q?: string | undefined;
  after?: AlertCursor | undefined;
  limit: number;
}

/** Encodes a cursor as an opaque base64url string. */
export function encodeCursor(cursor: AlertCursor): string {
  return Buffer.from(JSON.stringify([cursor.startMs, cursor.id])).toString(
    'base64url',
  );
}

/** Decodes a cursor; returns undefined when it is not one of ours. */
export function decodeCursor(text: string): AlertCursor | undefined {
  try {
    const value: unknown = JSON.parse(
      Buffer.from(text, 'base64url').toString('utf8'),
    );
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [startMs, id] = value;
    if (typeof startMs !== 'number' || !Number.isSafeInteger(startMs)) {
      return undefined;
    }
    if (typeof id !== 'string') return undefined;
    return { startMs, id };
  } catch {
    return undefined;
  }
}
