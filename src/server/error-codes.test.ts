import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApiError, ERROR_CODES } from './error-codes.js';

const docs = readFileSync(
  new URL('../../docs/server.md', import.meta.url),
  'utf8',
);

/** Rows of the Errors table in docs/server.md: code, status, message. */
function documentedCodes(): Map<string, { status: number; message: string }> {
  const section = docs.slice(docs.indexOf('## Errors'));
  const rows = new Map<string, { status: number; message: string }>();
  for (const match of section.matchAll(
    /^\| `([A-Z_]+)` \| (\d{3}) \| (.+) \|$/gm,
  )) {
    const [, code, status, message] = match;
    rows.set(code as string, {
      status: Number(status),
      message: message as string,
    });
  }
  return rows;
}

describe('error codes', () => {
  it('docs list every code', () => {
    expect([...documentedCodes().keys()].sort()).toEqual(
      Object.keys(ERROR_CODES).sort(),
    );
  });

  it('docs match status and message', () => {
    const documented = documentedCodes();
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      expect(documented.get(code), code).toEqual({
        status: entry.status,
        message: entry.message,
      });
    }
  });

  it('codes are AREA_CONDITION', () => {
    for (const code of Object.keys(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z]+_[A-Z_]+$/);
    }
  });

  it('messages fill parameters', () => {
    const error = new ApiError('ALERT_NOT_FOUND', { id: 'abc' });
    expect(error.statusCode).toBe(404);
    expect(error.toBody()).toEqual({
      error: { code: 'ALERT_NOT_FOUND', message: 'alert abc not found' },
    });
  });

  it('long parameters are cut', () => {
    const error = new ApiError('ALERT_NOT_FOUND', { id: 'x'.repeat(1000) });
    expect(error.message.length).toBeLessThan(300);
  });
});
