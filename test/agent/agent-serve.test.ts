import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent/agent.js';
import { parseAgentConfig } from '../../src/agent/agent-config.js';
import { AGENT_PATHS } from '../../src/agent/agent-protocol.js';
import { ServerClient } from '../../src/agent/server-client.js';
import type { Alert } from '../../src/alerts/alert.js';
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
import {
  TEST_MARKER,
  writeMarkerRulePack,
} from './support/marker-rule-pack.js';

const CLUSTER = 'agent-e2e';
let backend: StoreBackend;
let server: ServerProcess | undefined;
let agent: Agent;
let token: string;
let port: number;
const packDir = writeMarkerRulePack();

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function startServer(): Promise<void> {
  server = await startServerProcess(backend, {
    args: ['--port', String(port), '--host', '127.0.0.1', '--rules', packDir],
  });
}

/** Audit lines of one exec of the marker, numbered so alerts differ. */
function markerExec(n: number): string {
  const seconds = Math.floor(Date.now() / 1000);
  const stamp = `${seconds}.${String(n % 1000).padStart(3, '0')}`;
  const serial = 100_000 + n;
  return [
    `type=SYSCALL msg=audit(${stamp}:${serial}): arch=c000003e syscall=59 success=yes exit=0 items=1 ppid=1 pid=${50_000 + n} auid=0 uid=0 comm="echo" exe="/usr/bin/echo" key="vigil_exec"`,
    `type=EXECVE msg=audit(${stamp}:${serial}): argc=3 a0="/bin/echo" a1="${TEST_MARKER}" a2="run-${n}"`,
    `type=PROCTITLE msg=audit(${stamp}:${serial}): proctitle="/bin/echo"`,
  ].join('\n');
}

async function feed(from: number, to: number): Promise<void> {
  const lines: string[] = [];
  for (let n = from; n < to; n++) lines.push(markerExec(n));
  await agent.readAuditStream(Readable.from([`${lines.join('\n')}\n`]));
}

async function storedAlerts(): Promise<Alert[]> {
  const url = `${server?.url}/api/v1/alerts?cluster=${CLUSTER}&alertType=TEST_AgentMarker&limit=500`;
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
  });
  const body = (await response.json()) as { items: Alert[] };
  return body.items;
}

async function until(
  probe: () => Promise<boolean>,
  ms = 30_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  backend = await createStoreBackend('sqlite');
  token = enrolCluster(backend, CLUSTER).token;
  port = await freePort();
  await startServer();
  const config = parseAgentConfig(
    {
      server: `http://127.0.0.1:${port}`,
      cluster: CLUSTER,
      node: 'node-e2e',
      dataDir: mkdtempSync(join(tmpdir(), 'vigil-agent-e2e-')),
      rules: packDir,
      audit: false,
      runtimeSocket: '/nonexistent.sock',
      scanIntervalMs: 600_000,
      heartbeatIntervalMs: 200,
      logLevel: 'silent',
    },
    { VIGIL_AGENT_TOKEN: token },
  );
  agent = new Agent(config, pino({ level: 'silent' }), undefined);
  await agent.start();
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await server?.stop();
  await backend?.cleanup();
}, 30_000);

describe('agent with vigil serve', () => {
  it('delivers every alert of an outage once', async () => {
    await feed(0, 3);
    await until(async () => (await storedAlerts()).length === 3);

    await server?.stop();
    server = undefined;
    await feed(3, 15);
    await new Promise((resolve) => setTimeout(resolve, 1500));

    await startServer();
    await until(async () => (await storedAlerts()).length >= 15);
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const alerts = await storedAlerts();
    const processes = alerts.map((a) => a.entities.process).sort();
    const expected = Array.from(
      { length: 15 },
      (_, n) => `/bin/echo ${TEST_MARKER} run-${n}`,
    ).sort();
    expect(processes).toEqual(expected);
    expect(new Set(alerts.map((a) => a.id)).size).toBe(15);
    expect(alerts.every((a) => a.count === 1)).toBe(true);
    expect(alerts.every((a) => a.cluster === CLUSTER)).toBe(true);
  });

  it('lists the agent from its heartbeats', async () => {
    await until(async () => {
      const response = await fetch(`${server?.url}/api/v1/agents`, {
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      });
      const body = (await response.json()) as {
        items: { node: string; heartbeat?: unknown }[];
      };
      return body.items.some(
        (a) => a.node === 'node-e2e' && a.heartbeat !== undefined,
      );
    });
  });

  it('serves the rule pack by ETag', async () => {
    const client = new ServerClient(server?.url as string, token);
    const first = await client.getIfChanged(AGENT_PATHS.rulePack, undefined);
    const files =
      (first?.body as { files: Record<string, string> } | undefined)?.files ??
      {};
    expect(Object.keys(files).sort()).toEqual([
      'cluster/cluster-only.yaml',
      'node/agent-marker.yaml',
    ]);
    expect(
      await client.getIfChanged(AGENT_PATHS.rulePack, first?.etag),
    ).toBeUndefined();
  });

  it('rejects an agent without a token', async () => {
    const client = new ServerClient(server?.url as string, 'not-a-token');
    await expect(client.post(AGENT_PATHS.heartbeat, {})).rejects.toMatchObject({
      status: 401,
    });
  });
});
