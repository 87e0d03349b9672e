import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  eventList,
  falcoSamples,
  liveCopies,
} from '../../../test/support/audit-batches.js';
import {
  createStoreBackend,
  type StoreBackend,
} from '../../../test/support/store-backends.js';
import { loadRulePack } from '../../engine/load-rules.js';
import { normalizeAuditValue } from '../../sources/k8s-audit/normalize-audit-value.js';
import { Store } from '../../store/store.js';
import { OutcomeWriter } from '../ingest/outcome-writer.js';
import { eventKey } from '../ingest/prepare-events.js';
import type { DetectedBody } from './detection-thread-messages.js';
import { DetectionWorker } from './detection-worker.js';

const CLUSTER = 'worker-test';

/** Short waits, so that the tests do not wait for the worker's loop. */
const WORKER_OPTIONS = {
  batchRows: 64,
  idleMs: 10,
  retryMs: 10,
  dedupeWindowMs: 600_000,
  maxRetryKeys: 1000,
};

/**
 * A rule that raises on the second pod creation by one user: its count
 * lives only in the engine, so running a batch twice, or forgetting the
 * first batch, changes the outcome.
 */
const SECOND_POD_RULE = `
id: TEST_SecondPodCreated
title: Second pod created
severity: Low
tactics: [Execution]
techniques: [T1610]
version: 1
sources: [k8s-audit]
summary: A user created a second pod.
notes: Counts allowed pod creations per user.
falsePositives: Every user who creates two pods.
on:
  kind: k8s-audit
  resources: [pods]
  verbs: [create]
condition:
  predicate: request-allowed
detector:
  type: threshold
  by: [audit.user.username]
  count: 2
  window: 1h
aggregate:
  by: [user]
  window: 1h
description: "{{user}} created a second pod."
remediation: None.
tests:
  - name: two pods
    expect: alert
    events:
      - { verb: create, objectRef: { resource: pods, name: a } }
      - { verb: create, objectRef: { resource: pods, name: b } }
  - name: one pod
    expect: none
    event: { verb: create, objectRef: { resource: pods, name: a } }
`;

/** Queues copies of a privileged pod creation as one batch of events. */
async function queuePrivilegedPod(store: Store, n: number): Promise<void> {
  const sample = falcoSamples().find(
    (s) => s.key === 'k8s_audit/create_nginx_pod_privileged.json',
  );
  const copies = liveCopies(sample?.events ?? [], Date.now() + n, `-w${n}`);
  const { events } = normalizeAuditValue(copies, {
    format: 'k8s-audit',
    defaultCluster: CLUSTER,
  });
  await store.queue.enqueue({
    cluster: CLUSTER,
    source: 'k8s-audit',
    receivedMs: Date.now(),
    enrolledMs: 0,
    total: events.length,
    candidates: events.map((event, index) => ({
      index,
      key: eventKey(event),
      json: JSON.stringify(event),
    })),
  });
}

/** Returns an EventList body of a privileged pod's creation, stamped now. */
function privilegedPodBody(suffix: string): string {
  const sample = falcoSamples().find(
    (s) => s.key === 'k8s_audit/create_nginx_pod_privileged.json',
  );
  return eventList(liveCopies(sample?.events ?? [], Date.now(), suffix));
}

async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check()) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('DetectionWorker', () => {
  let backend: StoreBackend | undefined;
  let store: Store | undefined;
  let worker: DetectionWorker | undefined;
  let rulesDir: string | undefined;

  afterEach(async () => {
    await worker?.drain(2000);
    await store?.close();
    await backend?.cleanup();
    if (rulesDir) rmSync(rulesDir, { recursive: true, force: true });
  });

  it('failed store keeps detection state', async () => {
    backend = await createStoreBackend('sqlite');
    const opened = await Store.open(backend);
    store = opened;
    rulesDir = mkdtempSync(join(tmpdir(), 'vigil-rules-'));
    writeFileSync(join(rulesDir, 'second-pod.yaml'), SECOND_POD_RULE);
    const writer = new OutcomeWriter();
    worker = new DetectionWorker(
      opened,
      loadRulePack(rulesDir),
      pino({ level: 'silent' }),
      WORKER_OPTIONS,
      async (outcome) => {
        await writer.writeOne(opened, outcome);
      },
    );

    // The second batch's transaction fails once, as on a full disk.
    let failures = 0;
    let failNext = false;
    const transaction = opened.transaction.bind(opened);
    opened.transaction = ((work) => {
      if (failNext) {
        failNext = false;
        failures++;
        return Promise.reject(new Error('disk I/O error'));
      }
      return transaction(work);
    }) as typeof opened.transaction;

    const raised = async () =>
      (await opened.alerts.list({ cluster: CLUSTER, limit: 10 })).items;
    worker.start();
    await queuePrivilegedPod(opened, 0);
    await until(async () => (await opened.queue.depth()) === 0);
    expect(await raised()).toEqual([]);

    failNext = true;
    await queuePrivilegedPod(opened, 1);
    await until(async () => (await raised()).length > 0);
    expect(failures).toBe(1);
    // The engine kept the first batch's count through the failure and
    // counted the second batch once.
    expect((await raised()).map((alert) => alert.count)).toEqual([1]);
    expect(await opened.queue.depth()).toBe(0);
  });

  describe('webhook bodies', () => {
    const outcomes: unknown[] = [];

    async function startWorker(): Promise<DetectionWorker> {
      backend = await createStoreBackend('sqlite');
      store = await Store.open(backend);
      return new DetectionWorker(
        store,
        loadRulePack(join(process.cwd(), 'rules')),
        pino({ level: 'silent' }),
        WORKER_OPTIONS,
        async (outcome) => {
          outcomes.push(outcome);
        },
      );
    }

    function request(body: string, id: number) {
      return {
        id,
        body,
        cluster: CLUSTER,
        enrolledMs: 0,
        maxEventBytes: 1 << 20,
        receivedMs: Date.now(),
      };
    }

    /**
     * Starts a worker and offers it `body` until its loop is idle and
     * it detects the body on arrival.
     */
    async function detectOnArrival(
      body: string,
    ): Promise<{ started: DetectionWorker; result: DetectedBody }> {
      const started = await startWorker();
      worker = started;
      started.start();
      const deadline = Date.now() + 5000;
      for (;;) {
        const result = started.ingest(request(body, 1));
        if ('detected' in result) return { started, result };
        if (Date.now() > deadline) throw new Error('body was not detected');
        started.discard([1]);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }

    it('idle worker detects a body at once', async () => {
      const body = privilegedPodBody('-idle');
      const { started, result } = await detectOnArrival(body);

      expect(result.detected.queued).toBe(result.detected.received);
      expect(result.detected.duplicates).toBe(0);
      const types = result.outcome.alerts.map((a) => a.alert.alertType);
      expect(types).toContain('K8S_PrivilegedContainer');
      expect(result.outcome.seen).toHaveLength(1);
      expect(result.outcome.rowIds).toEqual([]);
      expect(outcomes).toEqual([]);

      const again = started.ingest(request(body, 2));
      if (!('detected' in again)) throw new Error('repeat was not detected');
      expect(again.detected.queued).toBe(0);
      expect(again.detected.duplicates).toBe(result.detected.received);
      expect(again.outcome.alerts).toEqual([]);
    });

    it('queued body lists events already detected', async () => {
      const body = privilegedPodBody('-queued');
      const { started, result } = await detectOnArrival(body);

      // A stopped worker keeps bodies for the queue.
      await started.drain(1000);
      const queuedBody = started.ingest(request(body, 2));
      if (!('summary' in queuedBody)) {
        throw new Error('body was not kept for the queue');
      }
      const positions = queuedBody.summary.keys.map((_, index) => index);
      expect(positions.length).toBe(result.detected.received);
      expect(queuedBody.summary.repeats).toEqual(positions);
    });

    it('body before the loop runs is kept for the queue', async () => {
      worker = await startWorker();
      const result = worker.ingest(request(privilegedPodBody('-held'), 1));
      expect('summary' in result).toBe(true);
      expect('detected' in result).toBe(false);
    });

    it('invalid JSON is reported', async () => {
      worker = await startWorker();
      const result = worker.ingest(request('{"items": [', 1));
      expect(result).toEqual({ invalidJson: expect.any(String) });
    });
  });
});
