import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createStoreBackend,
  DIALECTS,
  type StoreBackend,
} from '../../test/support/store-backends.js';
import { Store } from '../store/store.js';
import type { ServerContext } from './server-context.js';
import { WriteReadiness } from './write-readiness.js';

const diskFull = Object.assign(new Error('database or disk is full'), {
  code: 'SQLITE_FULL',
});

describe.each(DIALECTS)('WriteReadiness on %s', (dialect) => {
  let backend: StoreBackend;
  let store: Store;

  beforeAll(async () => {
    backend = await createStoreBackend(dialect);
    store = await Store.open(backend);
  });

  afterAll(async () => {
    await store?.close();
    await backend?.cleanup();
  });

  function readiness(bodyLimitBytes: number, now: () => number) {
    const context = {
      store,
      config: { ...backend, bodyLimitBytes },
      logger: pino({ level: 'silent' }),
    } as unknown as ServerContext;
    return new WriteReadiness(context, now);
  }

  it('is ready while writes succeed', async () => {
    expect(await readiness(1024, () => 0).check()).toBe(true);
  });

  it('probes only when space may be back', async () => {
    let nowMs = 0;
    const check = readiness(1024, () => nowMs);
    store.health.recordFailure(diskFull);

    if (dialect === 'sqlite') {
      // The temporary directory has more than 1 KiB free.
      expect(await check.check()).toBe(true);
    } else {
      expect(await check.check()).toBe(false);
      nowMs += 59_000;
      expect(await check.check()).toBe(false);
      nowMs += 1000;
      expect(await check.check()).toBe(true);
    }
    expect(store.health.writable).toBe(true);
  });

  it.runIf(dialect === 'sqlite')('waits for room on the disk', async () => {
    const check = readiness(Number.MAX_SAFE_INTEGER, () => 0);
    store.health.recordFailure(diskFull);
    expect(await check.check()).toBe(false);
    expect(store.health.writable).toBe(false);
    store.health.recordSuccess();
  });
});
