import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createStoreBackend,
  DIALECTS,
  type StoreBackend,
} from '../../../test/support/store-backends.js';
import type { Alert } from '../../alerts/alert.js';
import { Store } from '../../store/store.js';
import { ServerMetrics } from '../server-metrics.js';
import { emptyDelta } from '../worker/detection-metrics.js';
import type { DetectionOutcome } from '../worker/detection-outcome.js';
import { IngestService } from './ingest-service.js';

const CLUSTER = 'outcomes';

function alert(count: number): Alert {
  const time = new Date().toISOString();
  return {
    id: 'engine-alert-1',
    alertType: 'K8S_PrivilegedContainer',
    title: 'Privileged container detected',
    severity: 'Medium',
    tactics: ['PrivilegeEscalation'],
    techniques: ['T1611'],
    status: 'active',
    startTime: time,
    endTime: time,
    count,
    cluster: CLUSTER,
    entities: { namespace: 'default', pod: 'web', user: 'alice' },
    evidence: [{ eventId: `e${count}`, time, origin: 'x', body: {} }],
    description: 'd',
    remediation: 'r',
    ruleVersion: 1,
  };
}

/** Returns the outcome of one detected event that raised or grew the alert. */
function outcome(count: number, received: number): DetectionOutcome {
  return {
    alerts: [
      {
        alert: alert(count),
        receivedMs: Date.now(),
        aggregationKey: 'aggregation-key-1',
        windowMs: 3_600_000,
      },
    ],
    seen: [
      {
        cluster: CLUSTER,
        keysJson: JSON.stringify([`["id-${count}","ResponseComplete"]`]),
        seenMs: Date.now(),
      },
    ],
    rowIds: [],
    closed: [],
    reset: false,
    activity: [
      { cluster: CLUSTER, source: 'k8s-audit', received, receivedMs: 1 },
    ],
    delta: emptyDelta(),
  };
}

describe.each(DIALECTS)('IngestService outcomes on %s', (dialect) => {
  let backend: StoreBackend;
  let store: Store;
  let service: IngestService;

  beforeEach(async () => {
    backend = await createStoreBackend(dialect);
    store = await Store.open(backend);
    service = new IngestService(store, new ServerMetrics(), {
      maxEventBytes: 1 << 20,
      dedupeWindowMs: 600_000,
      maxRetryKeys: 1000,
      onQueued: () => {},
      logger: pino({ level: 'silent' }),
    });
  });

  afterEach(async () => {
    await store.close();
    await backend.cleanup();
  });

  it('failed outcome is written with the next one', async () => {
    const transaction = store.transaction.bind(store);
    let failNext = true;
    store.transaction = ((work) => {
      if (!failNext) return transaction(work);
      failNext = false;
      return Promise.reject(new Error('disk I/O error'));
    }) as typeof store.transaction;

    // The engine counted the alert once, then a second time.
    const first = service.storeOutcome(outcome(1, 3), true);
    await expect(first).rejects.toThrow('disk I/O error');
    expect(await store.alerts.list({ cluster: CLUSTER, limit: 10 })).toEqual(
      expect.objectContaining({ items: [] }),
    );
    await service.storeOutcome(outcome(2, 5), false);

    const { items } = await store.alerts.list({ cluster: CLUSTER, limit: 10 });
    expect(items.map((stored) => stored.count)).toEqual([2]);
    const seen = await store.queue.seenSince(0, 100);
    expect(seen.flatMap((batch) => batch.keys).sort()).toEqual([
      '["id-1","ResponseComplete"]',
      '["id-2","ResponseComplete"]',
    ]);
    const [activity] = await store.sources.list(CLUSTER);
    expect(activity?.events).toBe(8);
  });

  it('pending outcomes bound the webhook', async () => {
    store.transaction = (() =>
      Promise.reject(new Error('disk I/O error'))) as typeof store.transaction;
    const pending: Promise<void>[] = [];
    for (let i = 1; !service.backlogged; i++) {
      const write = service.storeOutcome(outcome(i, 1), true);
      write.catch(() => {});
      pending.push(write);
      expect(i).toBeLessThan(1000);
    }
    expect(pending.length).toBe(64);
  });
});
