import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { request, waitFor } from '../support/api-client.js';
import {
  eventList,
  falcoSamples,
  liveCopies,
} from '../support/audit-batches.js';
import {
  CLI,
  enrolCluster,
  startServerProcess,
  TEST_ADMIN_TOKEN,
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
    const listening = logLines.filter((line) => /listening/i.test(line));
    expect(listening).toHaveLength(1);

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

  it('request during shutdown gets the code', async () => {
    const server = await startServerProcess(backend);
    const { hostname, port } = new URL(server.url);
    const socket = connect(Number(port), hostname);
    await once(socket, 'connect');
    let response = '';
    socket.on('data', (chunk: Buffer) => {
      response += chunk.toString();
    });
    // A request whose head has begun keeps its connection out of the idle
    // ones that closing the server drops, so it arrives during shutdown.
    socket.write(
      `GET /api/v1/alerts HTTP/1.1\r\nHost: ${hostname}\r\n` +
        `Authorization: Bearer ${TEST_ADMIN_TOKEN}\r\n`,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    server.child.kill('SIGTERM');
    await waitFor(
      async () => server.output(),
      (output) => output.includes('"msg":"shutdown started"'),
    );
    // Lets Fastify mark its routes closed, which follows the log line.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    socket.write('\r\n');
    await once(socket, 'close');

    const [head = '', body = ''] = response.split('\r\n\r\n');
    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 503 Service Unavailable');
    expect(head.toLowerCase()).toContain('connection: close');
    expect(JSON.parse(body)).toEqual({
      error: {
        code: 'SERVER_SHUTTING_DOWN',
        message:
          'the server is shutting down; retry against another replica or later',
      },
    });
    // The SIGTERM above ends the process; a second one would kill it.
    const code = server.child.exitCode ?? (await once(server.child, 'exit'))[0];
    expect(code).toBe(0);
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

  it('port in use names the remedy', async () => {
    const occupant = createServer();
    occupant.listen(0, '127.0.0.1');
    await once(occupant, 'listening');
    const { port } = occupant.address() as AddressInfo;
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-port-'));
    try {
      const result = await new Promise<{ code: number | null; stderr: string }>(
        (resolve) => {
          const child = spawn(
            process.execPath,
            [CLI, 'serve', '--port', String(port), '--data-dir', dataDir],
            { env: { ...process.env, VIGIL_ADMIN_TOKEN: TEST_ADMIN_TOKEN } },
          );
          let stderr = '';
          child.stderr.on('data', (chunk) => {
            stderr += chunk;
          });
          child.on('exit', (code) => resolve({ code, stderr }));
        },
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `vigil serve: 127.0.0.1:${port} is already in use; choose another port with --port or VIGIL_PORT`,
      );
    } finally {
      occupant.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
