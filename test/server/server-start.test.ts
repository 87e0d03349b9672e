import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { request } from '../support/api-client.js';
import {
  eventList,
  falcoSamples,
  liveCopies,
} from '../support/audit-batches.js';
import {
  CLI,
  enrolCluster,
  startServerProcess,
} from '../support/server-process.js';
import {
  createStoreBackend,
  type StoreBackend,
} from '../support/store-backends.js';

const GENERATED = /generated an admin token[^\n]*\n(\S+)\n/;

describe('vigil serve start and stop', () => {
  let backend: StoreBackend;

  beforeAll(async () => {
    backend = await createStoreBackend('sqlite');
  });

  afterAll(async () => {
    await backend?.cleanup();
  });

  it('first start prints an admin token once', async () => {
    const env = { VIGIL_ADMIN_TOKEN: '' };
    const first = await startServerProcess(backend, { env });
    const token = GENERATED.exec(first.output())?.[1];
    expect(token).toBeDefined();
    const alerts = await request(`${first.url}/api/v1/alerts`, token);
    expect(alerts.status).toBe(200);
    expect(await first.stop()).toBe(0);
    const logLines = first
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'));
    expect(logLines.filter((line) => line.includes(token as string))).toEqual(
      [],
    );

    const second = await startServerProcess(backend, { env });
    expect(second.output()).not.toMatch(GENERATED);
    expect((await request(`${second.url}/api/v1/alerts`, token)).status).toBe(
      200,
    );
    expect(await second.stop()).toBe(0);
  });

  it('SIGTERM drains the queue before exit', async () => {
    const server = await startServerProcess(backend);
    const { token } = enrolCluster(backend, 'drain');
    const sample = falcoSamples().find(
      (s) => s.key === 'k8s_audit/create_nginx_pod_privileged.json',
    );
    const events = liveCopies(
      sample?.events ?? [],
      Date.now() + 1000,
      '-drain',
    );
    const posted = await request(`${server.url}/k8s-audit`, token, {
      method: 'POST',
      body: eventList(events),
    });
    expect(posted.status).toBe(200);
    expect(await server.stop()).toBe(0);
    expect(server.output()).toContain('"msg":"shutdown complete"');

    // Read the store directly: the server has exited, so its contents
    // are what the drain left.
    const store = await Store.open(backend);
    const depth = await store.queue.depth();
    const page = await store.alerts.list({ cluster: 'drain', limit: 10 });
    await store.close();
    expect(depth).toBe(0);
    expect(page.items).toHaveLength(1);
  });

  it('invalid setting stops the start', () => {
    const result = spawnSync(
      process.execPath,
      [CLI, 'serve', '--port', 'http'],
      {
        encoding: 'utf8',
        env: { ...process.env, VIGIL_ADMIN_TOKEN: '' },
      },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('invalid flag --port');
  });
});
