import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createStoreBackend,
  DIALECTS,
  type StoreBackend,
} from '../../test/support/store-backends.js';
import type { Alert } from '../alerts/alert.js';
import { AgentStore } from './agent-store.js';
import { decodeCursor } from './alert-filter.js';
import { alertToRow } from './alert-row.js';
import { Store } from './store.js';

function alert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'a1',
    alertType: 'K8S_PrivilegedContainer',
    title: 'Privileged container detected',
    severity: 'Medium',
    tactics: ['PrivilegeEscalation'],
    techniques: ['T1611'],
    status: 'active',
    startTime: '2026-12-01T10:00:00.000Z',
    endTime: '2026-12-01T10:00:00.000Z',
    count: 1,
    cluster: 'prod',
    entities: { namespace: 'default', pod: 'web', user: 'alice' },
    evidence: [
      {
        eventId: 'e1',
        time: '2026-12-01T10:00:00.000Z',
        origin: 'x',
        body: {},
      },
    ],
    description: 'd',
    remediation: 'r',
    ruleVersion: 1,
    ...overrides,
  };
}

describe.each(DIALECTS)('store on %s', (dialect) => {
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

  it('migrations run again as a no-op', async () => {
    const again = await Store.open(backend);
    await again.ping();
    await again.close();
  });

  it('clusters add, find by hash, revoke and remove', async () => {
    const added = await store.clusters.add('prod', 'hash-prod', 1000);
    expect(added).toEqual({ name: 'prod', enrolledMs: 1000, revokedMs: null });
    expect(await store.clusters.add('prod', 'other', 2000)).toBeUndefined();
    expect((await store.clusters.findByTokenHash('hash-prod'))?.name).toBe(
      'prod',
    );

    await store.clusters.add('dev', 'hash-dev', 1000);
    expect(await store.clusters.revoke('dev', 5000)).toBe(true);
    expect((await store.clusters.get('dev'))?.revokedMs).toBe(5000);
    expect(await store.clusters.revoke('nope', 5000)).toBe(false);

    expect(await store.clusters.remove('dev')).toBe(true);
    expect(await store.clusters.remove('dev')).toBe(false);
    expect((await store.clusters.list()).map((c) => c.name)).toEqual(['prod']);
  });

  it('admin tokens put, replace and count', async () => {
    await store.adminTokens.put('admin', 'h1', 1);
    await store.adminTokens.put('admin', 'h2', 2);
    expect(await store.adminTokens.count()).toBe(1);
    expect(await store.adminTokens.findName('h2')).toBe('admin');
    expect(await store.adminTokens.findName('h1')).toBeUndefined();
  });

  it('queue stores batches in order', async () => {
    const batch = (keys: string[]) => ({
      cluster: 'prod',
      source: 'k8s-audit',
      receivedMs: 10_000,
      enrolledMs: 1000,
      total: keys.length,
      candidates: keys.map((key, index) => ({
        index,
        key,
        json: JSON.stringify({ key }),
      })),
    });
    const first = await store.transaction((tx) =>
      tx.queue.enqueue(batch(['a', 'b'])),
    );
    const second = await store.queue.enqueue(batch(['c']));
    expect(await store.queue.enqueue(batch([]))).toBeUndefined();

    expect(await store.queue.depth()).toBe(3);
    expect(await store.queue.nextIds(10)).toEqual([first, second]);
    const rows = await store.queue.next(10);
    expect(rows.map((row) => row.id)).toEqual([first, second]);
    expect(
      rows.map((row) =>
        row.payload.format === 'events' ? JSON.parse(row.payload.events) : [],
      ),
    ).toEqual([[{ key: 'a' }, { key: 'b' }], [{ key: 'c' }]]);
    await store.queue.remove(rows.map((row) => row.id));
    expect(await store.queue.depth()).toBe(0);
  });

  it('agents keep their latest reports', async () => {
    await store.agents.record('prod', 'node-a', { heartbeat: { n: 1 } }, 1000);
    await store.agents.record(
      'prod',
      'node-a',
      { inventory: { k: 'v' } },
      2000,
    );
    await store.agents.record('prod', 'node-a', { heartbeat: { n: 2 } }, 3000);
    await store.agents.record('dev', 'node-b', {}, 4000);
    expect(await store.agents.list('prod')).toEqual([
      {
        cluster: 'prod',
        node: 'node-a',
        lastSeenMs: 3000,
        heartbeat: { n: 2 },
        inventory: { k: 'v' },
      },
    ]);
    expect((await store.agents.list()).map((agent) => agent.node)).toEqual([
      'node-b',
      'node-a',
    ]);
  });

  it('agents past the bound replace the oldest', async () => {
    const bounded = new AgentStore(store.db, 2);
    await bounded.record('bounded', 'n1', {}, 1000);
    await bounded.record('bounded', 'n2', {}, 2000);
    await bounded.record('bounded', 'n1', {}, 3000);
    await bounded.record('bounded', 'n3', {}, 4000);
    const nodes = (await bounded.list('bounded')).map((agent) => agent.node);
    expect(nodes).toEqual(['n1', 'n3']);
  });

  it('queue records and forgets seen keys', async () => {
    await store.transaction((tx) =>
      tx.queue.markSeen('prod', ['a', 'b', 'c'], 10_000),
    );
    await store.queue.markSeen('prod', ['c'], 20_000);
    await store.queue.markSeen('dev', ['d'], 20_000);
    await store.queue.markSeen('dev', [], 30_000);
    expect(await store.queue.seenSince(15_000, 10)).toEqual([
      { cluster: 'dev', keys: ['d'], seenMs: 20_000 },
      { cluster: 'prod', keys: ['c'], seenMs: 20_000 },
    ]);
    // Reading stops at the batch that reaches the number of keys.
    expect(await store.queue.seenSince(0, 2)).toHaveLength(2);
    expect(await store.queue.seenSince(0, 3)).toHaveLength(3);

    expect(await store.queue.forgetSeenBefore(20_001, 2)).toBe(2);
    expect(await store.queue.forgetSeenBefore(20_001, 2)).toBe(1);
    expect(await store.queue.forgetSeenBefore(20_001, 2)).toBe(0);
    expect(await store.queue.seenSince(0, 10)).toEqual([]);
  });

  it('seen keys are read newest first across pages', async () => {
    for (let i = 0; i < 1200; i++) {
      await store.queue.markSeen('prod', [`k${i}`], 1000 + i);
    }
    const batches = await store.queue.seenSince(0, 1100);
    expect(batches).toHaveLength(1100);
    expect(batches[0]).toEqual({
      cluster: 'prod',
      keys: ['k1199'],
      seenMs: 2199,
    });
    expect(batches.at(-1)?.keys).toEqual(['k100']);
    await store.queue.forgetSeenBefore(10_000, 5000);
  });

  it('queue keeps a body with skipped positions', async () => {
    const id = await store.queue.enqueue({
      cluster: 'prod',
      source: 'k8s-audit',
      receivedMs: 20_000,
      enrolledMs: 1000,
      total: 4,
      candidates: [
        { index: 0, key: 'body-a' },
        { index: 2, key: 'body-b' },
      ],
      body: '{"kind":"EventList","items":[]}',
    });
    const [row] = await store.queue.next(10);
    expect(row?.id).toBe(id);
    expect(row?.eventCount).toBe(2);
    expect(row?.payload).toEqual({
      format: 'k8s-audit-body',
      body: '{"kind":"EventList","items":[]}',
      skip: new Set([1, 3]),
    });
    await store.queue.remove(row ? [row.id] : []);
  });

  it('alerts join an open window and merge evidence', async () => {
    const start = Date.parse('2026-12-01T10:00:00.000Z');
    await store.alerts.insert(
      alertToRow(alert(), 'key-1', start + 3600_000, 1),
    );
    expect(await store.alerts.findOpen('key-1', start + 60_000)).toBe('a1');
    expect(
      await store.alerts.findOpen('key-1', start + 7200_000),
    ).toBeUndefined();
    expect(await store.alerts.findOpen('key-2', start)).toBeUndefined();

    await store.alerts.addRepeat(
      'a1',
      {
        count: 2,
        startTime: '2026-12-01T10:00:00.000Z',
        endTime: '2026-12-01T10:05:00.000Z',
        evidence: [
          { eventId: 'e1', time: '', origin: 'x', body: {} },
          { eventId: 'e2', time: '', origin: 'x', body: {} },
        ],
      },
      2,
    );
    const stored = await store.alerts.get('a1');
    expect(stored?.count).toBe(3);
    expect(stored?.endTime).toBe('2026-12-01T10:05:00.000Z');
    expect(stored?.evidence.map((e) => e.eventId)).toEqual(['e1', 'e2']);
  });

  it('alerts list filters and pages with a cursor', async () => {
    for (let i = 0; i < 5; i++) {
      const time = `2026-12-02T10:0${i}:00.000Z`;
      const row = alertToRow(
        alert({
          id: `p${i}`,
          startTime: time,
          endTime: time,
          severity: i % 2 === 0 ? 'High' : 'Low',
          cluster: 'paged',
          entities: { pod: `pod_${i}%` },
        }),
        `k${i}`,
        0,
        1,
      );
      await store.alerts.insert(row);
    }

    const ids: string[] = [];
    let after: ReturnType<typeof decodeCursor>;
    for (let page = 0; page < 5; page++) {
      const result = await store.alerts.list({
        cluster: 'paged',
        limit: 2,
        after,
      });
      ids.push(...result.items.map((item) => item.id));
      if (!result.next) break;
      after = decodeCursor(result.next);
    }
    expect(ids).toEqual(['p4', 'p3', 'p2', 'p1', 'p0']);

    const high = await store.alerts.list({
      cluster: 'paged',
      minSeverity: 'Medium',
      limit: 10,
    });
    expect(high.items.map((item) => item.id)).toEqual(['p4', 'p2', 'p0']);

    const text = await store.alerts.list({ q: 'POD_3%', limit: 10 });
    expect(text.items.map((item) => item.id)).toEqual(['p3']);
    const wildcard = await store.alerts.list({ q: 'pod%3', limit: 10 });
    expect(wildcard.items).toEqual([]);

    const range = await store.alerts.list({
      cluster: 'paged',
      fromMs: Date.parse('2026-12-02T10:01:00.000Z'),
      toMs: Date.parse('2026-12-02T10:03:00.000Z'),
      limit: 10,
    });
    expect(range.items.map((item) => item.id)).toEqual(['p3', 'p2', 'p1']);
  });

  it('alert status changes record who and why', async () => {
    const updated = await store.alerts.setStatus(
      'p1',
      'dismissed',
      'alice',
      'test workload',
      Date.parse('2026-12-03T00:00:00.000Z'),
    );
    expect(updated?.status).toBe('dismissed');
    expect(updated?.statusChange).toEqual({
      status: 'dismissed',
      by: 'alice',
      reason: 'test workload',
      time: '2026-12-03T00:00:00.000Z',
    });
    expect(await store.alerts.history('p1')).toHaveLength(1);
    expect(
      await store.alerts.setStatus('missing', 'resolved', 'a', 'b', 1),
    ).toBeUndefined();
  });

  it('source activity counts events per source', async () => {
    await store.sources.record('prod', 'k8s-audit', 5, 100);
    await store.sources.record('prod', 'k8s-audit', 7, 200);
    expect(await store.sources.list('prod')).toEqual([
      {
        cluster: 'prod',
        source: 'k8s-audit',
        firstSeenMs: 100,
        lastSeenMs: 200,
        events: 12,
      },
    ]);
  });
});
