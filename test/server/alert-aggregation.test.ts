import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, waitFor } from '../support/api-client.js';
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

describe('alert aggregation across batches', () => {
  let backend: StoreBackend;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    backend = await createStoreBackend('sqlite');
  });

  afterAll(async () => {
    await server?.stop();
    await backend?.cleanup();
  });

  it('repeats grow one alert, also after restart', async () => {
    const sample = falcoSamples().find(
      (s) => s.key === 'k8s_audit/create_nginx_pod_privileged.json',
    );
    const events = sample?.events ?? [];
    const { token } = enrolCluster(backend, 'repeats');
    const startMs = Date.now() + 1000;
    const send = async (n: number) => {
      const body = eventList(liveCopies(events, startMs + n * 1000, `-r${n}`));
      const response = await request(`${server?.url}/k8s-audit`, token, {
        method: 'POST',
        body,
      });
      expect(response.status).toBe(200);
    };
    const alerts = async () => {
      const page = await request(
        `${server?.url}/api/v1/alerts?cluster=repeats`,
        TEST_ADMIN_TOKEN,
      );
      return page.body.items as { id: string; count: number }[];
    };

    server = await startServerProcess(backend);
    await send(0);
    await send(1);
    const before = await waitFor(alerts, (a) => a[0]?.count === 2);
    expect(before.map((a) => a.count)).toEqual([2]);
    await server.stop();

    server = await startServerProcess(backend);
    await send(2);
    const after = await waitFor(alerts, (a) => a[0]?.count === 3);
    expect(after.map((a) => a.count)).toEqual([3]);
    expect(after[0]?.id).toBe(before[0]?.id);
  });
});
