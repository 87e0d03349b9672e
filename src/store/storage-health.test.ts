import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isDiskFullError } from './disk-full-error.js';
import { StorageHealth, type StorageHealthEvent } from './storage-health.js';

/** Creates an error with a `code`, as better-sqlite3 and node:fs do. */
function coded(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

describe('isDiskFullError', () => {
  it('recognizes SQLite, PostgreSQL and ENOSPC', () => {
    expect(isDiskFullError(coded('SQLITE_FULL'))).toBe(true);
    expect(isDiskFullError(coded('ENOSPC'))).toBe(true);
    const postgres = new pg.DatabaseError(
      'could not extend file "base/16384/16385": No space left on device',
      0,
      'error',
    );
    postgres.code = '53100';
    expect(isDiskFullError(postgres)).toBe(true);
  });

  it('rejects other failures', () => {
    expect(isDiskFullError(coded('SQLITE_BUSY'))).toBe(false);
    expect(isDiskFullError(coded('53200'))).toBe(false);
    expect(isDiskFullError(new Error('disk full'))).toBe(false);
    expect(isDiskFullError(undefined)).toBe(false);
  });
});

describe('StorageHealth', () => {
  it('is writable until a disk-full failure', () => {
    const health = new StorageHealth();
    expect(health.writable).toBe(true);
    expect(health.recordFailure(coded('SQLITE_BUSY'))).toBe(false);
    expect(health.writable).toBe(true);

    const full = coded('SQLITE_FULL');
    expect(health.recordFailure(full)).toBe(true);
    expect(health.writable).toBe(false);
    expect(health.lastError).toBe(full);
  });

  it('recovers after a successful write', () => {
    const health = new StorageHealth();
    health.recordFailure(coded('SQLITE_FULL'));
    health.recordFailure(coded('SQLITE_BUSY'));
    expect(health.writable).toBe(false);
    health.recordSuccess();
    expect(health.writable).toBe(true);
    expect(health.lastError).toBeUndefined();
  });

  it('notifies failures and the recovery', async () => {
    const health = new StorageHealth();
    const events: StorageHealthEvent['type'][] = [];
    health.onChange((event) => events.push(event.type));

    await health.track(async () => 'ok');
    for (let i = 0; i < 2; i++) {
      await expect(
        health.track(async () => {
          throw coded('ENOSPC');
        }),
      ).rejects.toThrow('ENOSPC');
    }
    await health.track(async () => 'ok');
    await health.track(async () => 'ok');

    expect(events).toEqual(['disk-full', 'disk-full', 'recovered']);
  });
});
