import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent/agent.js';
import { parseAgentConfig } from '../../src/agent/agent-config.js';
import type { Alert } from '../../src/alerts/alert.js';
import {
  installAgentAuditRules,
  removeAgentAuditRules,
} from '../../src/sources/auditd/audit-rules-control.js';
import type {
  FileEvent,
  HostEvent,
  NetworkEvent,
  ProcessEvent,
} from '../../src/sources/event.js';
import { ensureAuditd, loadedAgentRules } from './support/auditd.js';
import {
  TEST_MARKER,
  writeMarkerRulePack,
} from './support/marker-rule-pack.js';
import {
  ensureTestImage,
  type PodmanService,
  podman,
  startPodmanService,
  TEST_IMAGE,
} from './support/podman.js';

const lines: string[] = [];
const output = {
  write(text: string) {
    lines.push(text);
    return true;
  },
};
let agent: Agent;
let service: PodmanService;
let listener: Server;
const containers: string[] = [];

function events(): HostEvent[] {
  return lines
    .map((line) => JSON.parse(line))
    .filter((item): item is HostEvent => typeof item.kind === 'string');
}

function alerts(): Alert[] {
  return lines
    .map((line) => JSON.parse(line))
    .filter((item): item is Alert => typeof item.alertType === 'string');
}

async function find<T>(probe: () => T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    await agent.settle();
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('expected event did not arrive');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function execOf(marker: string) {
  return () =>
    events().find(
      (e): e is ProcessEvent =>
        e.kind === 'process' &&
        e.origin.format === 'auditd' &&
        e.process.argv.includes(marker),
    );
}

beforeAll(async () => {
  ensureAuditd();
  const change = await installAgentAuditRules();
  expect(change.failed).toEqual([]);
  ensureTestImage();
  service = await startPodmanService();
  listener = createServer((socket) => socket.end());
  await new Promise<void>((resolve) =>
    listener.listen(0, '127.0.0.1', resolve),
  );

  const config = parseAgentConfig({
    dataDir: mkdtempSync(join(tmpdir(), 'vigil-agent-')),
    runtimeSocket: service.socketPath,
    rules: writeMarkerRulePack(),
    output: '-',
    events: true,
    scanIntervalMs: 600_000,
    logLevel: 'silent',
  });
  agent = new Agent(config, pino({ level: 'silent' }), output as never);
  await agent.start();
}, 60_000);

afterAll(async () => {
  // Rules go first, so that a failure below still leaves none behind.
  await removeAgentAuditRules();
  await agent?.stop();
  for (const id of containers) podman('rm', '-f', '-t', '0', id);
  await service?.stop();
  listener?.close();
}, 60_000);

describe('agent on the real kernel audit', () => {
  it('installs its rules with its keys', () => {
    const rules = loadedAgentRules();
    expect(rules).toContain(
      '-a always,exit -F arch=b64 -S execve,execveat -F key=vigil_exec',
    );
    expect(rules).toContain('-w /etc/shadow -p rwa -k vigil_credentials');
  });

  it('reports a host exec with ancestry', async () => {
    const marker = `host-${randomUUID()}`;
    execFileSync('/bin/echo', [marker]);
    const event = await find(execOf(marker));
    expect(event.process.argv).toEqual(['/bin/echo', marker]);
    expect(event.process.exe).toBe('/usr/bin/echo');
    expect(event.process.ppid).toBe(process.pid);
    expect(event.process.ancestors[0]?.pid).toBe(process.pid);
    expect(event.container).toBe('unknown');
    expect(event.pod).toBe('unknown');
  });

  it('decodes a split argument', async () => {
    const marker = `split-${randomUUID()}`;
    const long = 'x'.repeat(12_000);
    execFileSync('/bin/true', [marker, long]);
    const event = await find(execOf(marker));
    expect(event.process.argv[2]).toBe(long);
    expect(event.truncated).toBe(false);
  });

  it('attributes a container exec to its full id', async () => {
    const marker = `ctr-${randomUUID()}`;
    const id = podman(
      'run',
      '-d',
      TEST_IMAGE,
      'sh',
      '-c',
      `sleep 1; /bin/echo ${marker}; sleep 20`,
    );
    containers.push(id);
    const event = await find(execOf(marker));
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(event.container).toEqual({
      id,
      name: podman('inspect', '-f', '{{.Name}}', id),
      image: TEST_IMAGE,
      privileged: false,
    });
    expect(event.process.ancestors[0]?.name).toBe('sh');
  });

  it('marks an exec in a privileged container', async () => {
    const marker = `priv-${randomUUID()}`;
    const id = podman(
      'run',
      '-d',
      '--privileged',
      TEST_IMAGE,
      'sh',
      '-c',
      `sleep 1; /bin/echo ${marker}; sleep 20`,
    );
    containers.push(id);
    const event = await find(execOf(marker));
    expect(event.container).toMatchObject({ id, privileged: true });
    const start = await find(() =>
      events().find(
        (e) =>
          e.kind === 'container' &&
          e.runtime.action === 'start' &&
          e.container !== 'unknown' &&
          e.container.id === id,
      ),
    );
    expect(start.kind === 'container' && start.runtime.privileged).toBe(true);
  });

  it('keeps only host rules', () => {
    expect(agent.ruleCount).toBe(1);
  });

  it('raises a host rule alert from a container', async () => {
    const id = podman(
      'run',
      '-d',
      TEST_IMAGE,
      'sh',
      '-c',
      `sleep 1; /bin/echo ${TEST_MARKER}; sleep 20`,
    );
    containers.push(id);
    const alert = await find(() =>
      alerts().find(
        (a) =>
          a.alertType === 'TEST_AgentMarker' &&
          a.entities.containers?.some((c) => c.id === id),
      ),
    );
    expect(alert.severity).toBe('High');
    expect(alert.entities.node).toBe(parseAgentConfig({}).node);
  });

  it('reports a read of /etc/shadow', async () => {
    readFileSync('/etc/shadow');
    const event = await find(() =>
      events().find(
        (e): e is FileEvent =>
          e.kind === 'file' &&
          e.file.path === '/etc/shadow' &&
          e.process.pid === process.pid,
      ),
    );
    expect(event.file.operation).toBe('read');
  });

  it('reports a connect with the remote address', async () => {
    const { port } = listener.address() as AddressInfo;
    execFileSync('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`]);
    const event = await find(() =>
      events().find(
        (e): e is NetworkEvent =>
          e.kind === 'network' &&
          e.origin.format === 'auditd' &&
          e.network.remotePort === port,
      ),
    );
    expect(event.network).toMatchObject({
      direction: 'outbound',
      family: 'ipv4',
      remoteAddress: '127.0.0.1',
    });
    expect(event.process.name).toBe('bash');
  });
});
