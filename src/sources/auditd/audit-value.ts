/** Longest decoded string kept from one field, in characters. */
export const MAX_AUDIT_STRING = 32 * 1024;

const HEX = /^(?:[0-9A-Fa-f]{2})+$/;

/**
 * Decodes a string field that the kernel may hex-encode: `"text"` is
 * literal, `(null)` and `(none)` are absent, and an unquoted value is hex
 * of the raw bytes (the kernel encodes any value with a space, quote or
 * control character that way). Bytes that are not UTF-8 become U+FFFD.
 */
export function decodeAuditString(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '(null)' || raw === '(none)') {
    return undefined;
  }
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
    return raw.slice(1, -1).slice(0, MAX_AUDIT_STRING);
  }
  if (raw === '?') return undefined;
  if (HEX.test(raw)) {
    return Buffer.from(raw.slice(0, MAX_AUDIT_STRING * 2), 'hex').toString(
      'utf8',
    );
  }
  return raw.slice(0, MAX_AUDIT_STRING);
}

/** Parses a decimal field; undefined when absent or not a number. */
export function decodeAuditNumber(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^-?\d{1,20}$/.test(raw)) return undefined;
  return Number(raw);
}

/**
 * Splits the rule keys of a record. Several keys on one rule are joined
 * with `\x01` by auditctl, which makes the kernel hex-encode the field.
 */
export function decodeAuditKeys(raw: string | undefined): string[] {
  const value = decodeAuditString(raw);
  if (value === undefined) return [];
  return value.split('\x01').filter((key) => key.length > 0);
}
