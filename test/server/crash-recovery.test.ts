import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, waitFor } from '../support/api-client.js';
import type { AuditEventJson } from '../support/audit-batches.js';
import {
  eventList,
  falcoSamples,
  liveCopies,
} from '../support/audit-batches.js';
import {
  enrolCluster,
  type ServerProcess,
  startServerProcess,
  TEST_ADMIN_TOKEN,
} from '../support/server-process.js';
import {
  createStoreBackend,
  type StoreBackend,
} from '../support/store-backends.js';

const BATCHES = 24;
const EVENTS_PER_BATCH = 100;
const KILL_AFTER_ACKS = 8;
const CONCURRENCY = 4;

function sample(key: string): Record<string, unknown> {
  const found = falcoSamples().find((s) => s.key === key);
  const event = found?.events[0];
  if (!event) throw new Error(`sample ${key} not found`);
  return event;
}

/** Sets the namespace of a pod create event everywhere it appears. */
function inNamespace(
  event: Record<string, unknown>,
  namespace: string,
): Record<string, unknown> {
  const copy = structuredClone(event) as AuditEventJson;
  copy.objectRef.namespace = namespace;
  copy.requestURI = `/api/v1/namespaces/${namespace}/pods`;
  if (copy.responseObject?.metadata) {
    copy.responseObject.metadata.namespace = namespace;
  }
  return copy;
}

/**
 * Batch i contains one privileged pod create in namespace ns-i, which raises
 * its own alert, among unprivileged pod creates that raise nothing.
 */
function buildBatches(startMs: number): string[] {
  const privileged = sample('k8s_audit/create_nginx_pod_privileged.json');
  const benign = sample('k8s_audit/create_nginx_pod_unprivileged.json');
  const batches: string[] = [];
  for (let i = 0; i < BATCHES; i++) {
    const events = [inNamespace(privileged, `ns-${i}`)];
    while (events.length < EVENTS_PER_BATCH) events.push(benign);
    const time = startMs + i * EVENTS_PER_BATCH;
    batches.push(eventList(liveCopies(events, time, `-b${i}`)));
  }
  return batches;
}

async function post(
  url: string,
  token: string,
  body: string,
): Promise<boolean> {
  try {
    const response = await request(`${url}/k8s-audit`, token, {
      method: 'POST',
      body,
    });
    return response.status === 200;
  } catch {
    // The connection died with the server: not acknowledged.
    return false;
  }
}

async function alertNamespaces(url: string): Promise<Map<string, number>> {
  const page = await request(
    `${url}/api/v1/alerts?alertType=K8S_PrivilegedContainer&limit=500`,
    TEST_ADMIN_TOKEN,
  );
  const counts = new Map<string, number>();
  for (const alert of page.body.items) {
    const namespace = alert.entities.namespace as string;
    counts.set(namespace, (counts.get(namespace) ?? 0) + alert.count);
  }
  return counts;
}

// SQLite only: PostgreSQL shares the queue and alert code, which the
// end-to-end and store tests run on both, and each restart costs seconds.
describe.each(['sqlite'] as const)('crash recovery on %s', (dialect) => {
  let backend: StoreBackend;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    backend = await createStoreBackend(dialect);
  });

  afterAll(async () => {
    await server?.stop();
    await backend?.cleanup();
  });

  it('acknowledged batches alert once after SIGKILL', async () => {
    server = await startServerProcess(backend);
    const { token } = enrolCluster(backend, 'crash');
    const batches = buildBatches(Date.now() + 1000);

    const acknowledged = new Set<number>();
    let next = 0;
    let killed: Promise<void> | undefined;
    const sender = async (url: string) => {
      while (next < BATCHES && !killed) {
        const i = next++;
        if (await post(url, token, batches[i] as string)) acknowledged.add(i);
        if (acknowledged.size >= KILL_AFTER_ACKS && !killed) {
          killed = server?.kill();
        }
      }
    };
    const url = server.url;
    await Promise.all(Array.from({ length: CONCURRENCY }, () => sender(url)));
    await killed;
    expect(acknowledged.size).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(acknowledged.size).toBeLessThan(BATCHES);

    server = await startServerProcess(backend);
    const afterRestart = await waitFor(
      () => alertNamespaces(server?.url as string),
      (counts) => [...acknowledged].every((i) => counts.has(`ns-${i}`)),
    );
    for (const i of acknowledged) {
      expect(afterRestart.get(`ns-${i}`), `batch ${i}`).toBe(1);
    }

    // The API server retries every batch it got no response for. A retry of
    // an acknowledged batch, as after a lost response, is dropped as well.
    for (const [i, body] of batches.entries()) {
      expect(await post(server.url, token, body), `retry ${i}`).toBe(true);
    }
    const final = await waitFor(
      () => alertNamespaces(server?.url as string),
      (counts) => counts.size === BATCHES,
    );
    expect(final.size).toBe(BATCHES);
    for (const [namespace, count] of final) {
      expect(count, namespace).toBe(1);
    }
  });
});
