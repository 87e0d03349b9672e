import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/alert.js';
import type { HostEvent, ProcessEvent } from '../../src/sources/event.js';
import { ensureAuditd } from '../agent/support/auditd.js';
import {
  ensureTestImage,
  type PodmanService,
  podman,
  startPodmanService,
  TEST_IMAGE,
} from '../agent/support/podman.js';
import {
  type AgentProcess,
  startAgentProcess,
} from '../support/agent-process.js';
import {
  type AuditSyscallRules,
  addAuditSyscallRules,
} from '../support/audit-syscall-rules.js';
import {
  createNetworkNamespace,
  type NetworkNamespace,
} from '../support/network-namespace.js';
import { requireCommands } from '../support/required-commands.js';
import {
  CLI,
  enrolCluster,
  type ServerProcess,
  startServerProcess,
  TEST_ADMIN_TOKEN,
} from '../support/server-process.js';
import {
  createStoreBackend,
  type StoreBackend,
} from '../support/store-backends.js';

/**
 * This file's audit rules. The key does not start with vigil, so other
 * tests that remove the agent's rules leave these in place.
 */
const AUDIT_KEY = 'node_e2e';
const EICAR = 'VIGIL-TEST-ALERT-1f0c6a2e-5b8d-4c3a-9e71-d2f04b6a8c15';
const CLUSTER = 'node-e2e';
const LISTEN_PORT = 4000 + (process.pid % 1000);
const WAIT_MS = 15_000;

/** Cleanup steps in creation order. afterAll runs them in reverse. */
const cleanups: { what: string; run: () => unknown }[] = [];
let rules: AuditSyscallRules;
let namespace: NetworkNamespace;
let service: PodmanService;
let backend: StoreBackend;
let server: ServerProcess;
let agent: AgentProcess;
let hostListener: Server;
/** The container that performs the four actions. */
let attacker: string;
/** The container that performs their near misses. */
let bystander: string;
/** The pid of the test command run on the node. */
let nodeEicarPid: number;
/** Host files of this test: scripts and feed. */
let scratch: string;

function alerts(): Alert[] {
  return agent.objects().filter((o): o is Alert & Record<string, unknown> => {
    return typeof o.alertType === 'string';
  });
}

function events(): HostEvent[] {
  return agent
    .objects()
    .filter((o): o is HostEvent & Record<string, unknown> => {
      return typeof o.kind === 'string';
    });
}

function containerOf(item: { container?: unknown }): string | undefined {
  const container = item.container;
  return typeof container === 'object' && container !== null
    ? (container as { id: string }).id
    : undefined;
}

/** Finds the printed exec event in container `id` with exactly `argv`. */
function processIn(id: string, argv: string[]): ProcessEvent | undefined {
  return events().find(
    (e): e is ProcessEvent =>
      e.kind === 'process' &&
      containerOf(e) === id &&
      e.process.argv.join('\0') === argv.join('\0'),
  );
}

/** Finds a printed alert of `type` whose first container is `id`. */
function alertIn(type: string, id: string): Alert | undefined {
  return alerts().find(
    (a) => a.alertType === type && a.entities.containers?.[0]?.id === id,
  );
}

async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  ms = WAIT_MS,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) {
      const printed = agent
        ?.objects()
        .slice(-20)
        .map((o) => JSON.stringify(o).slice(0, 300));
      throw new Error(
        `${what} did not arrive in ${ms} ms; last agent output:\n` +
          `${printed?.join('\n')}\nagent stderr:\n${agent?.stderr()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const run = promisify(execFile);

/**
 * Runs podman without blocking the event loop, which serves the host
 * listener that a container connects to.
 */
async function podmanAsync(...args: string[]): Promise<string> {
  const { stdout } = await run('podman', args, { timeout: 15_000 });
  return stdout.trim();
}

/** Runs `sh -c SCRIPT` in a container and waits for it to end. */
async function inContainer(id: string, script: string): Promise<void> {
  await podmanAsync('exec', id, 'sh', '-c', script);
}

/**
 * Copies a script into the container and starts it detached. It sleeps
 * after its commands, so that they have a living parent. `podman cp`
 * carries no script text on a command line, so the marker appears only
 * in the commands themselves.
 */
async function runScript(id: string, commands: string[]): Promise<void> {
  const file = join(scratch, `script-${randomUUID()}.sh`);
  writeFileSync(file, `${[...commands, 'sleep 5'].join('\n')}\n`);
  await podmanAsync('cp', file, `${id}:/e2e.sh`);
  await podmanAsync('exec', '-d', id, 'sh', '/e2e.sh');
}

/**
 * Stores the test feed in the server's data directory with `vigil intel
 * load`, so that the agent pulls it from the server.
 */
function loadTestFeed(dataDir: string, address: string): void {
  const feed = join(scratch, 'e2e-feed.txt');
  writeFileSync(feed, `# addresses of the e2e namespace\n${address}\n`);
  execFileSync(
    process.execPath,
    [
      CLI,
      'intel',
      'load',
      feed,
      '--name',
      'node-e2e',
      '--category',
      'test',
      '--data-dir',
      dataDir,
    ],
    { stdio: 'pipe', timeout: 15_000 },
  );
}

async function startAgent(): Promise<void> {
  backend = await createStoreBackend('sqlite');
  cleanups.push({ what: 'store', run: () => backend.cleanup() });
  const { token } = enrolCluster(backend, CLUSTER);
  loadTestFeed(backend.dataDir, namespace.address);
  server = await startServerProcess(backend, {
    args: ['--host', '127.0.0.1'],
  });
  cleanups.push({ what: 'server', run: () => server.stop() });

  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-node-e2e-'));
  cleanups.push({
    what: 'agent data',
    run: () => rmSync(dataDir, { recursive: true, force: true }),
  });
  agent = startAgentProcess(
    [
      '--server',
      server.url,
      '--cluster',
      CLUSTER,
      '--data-dir',
      dataDir,
      '--runtime-socket',
      service.socketPath,
      '--scan-interval',
      '600000',
      '--events',
      '--log-level',
      'warn',
    ],
    { VIGIL_AGENT_TOKEN: token },
  );
  cleanups.push({ what: 'agent', run: () => agent.stop() });

  // The first sync stores the pulled intelligence, and the agent then
  // rebuilds its engine with it.
  await until('the pulled intelligence', () =>
    existsSync(join(dataDir, 'intel.json')) ? true : undefined,
  );
  // The agent follows the log from its end once it has started, so a
  // host exec that it reports shows that it reads the log.
  const probe = `node-e2e-ready-${randomUUID()}`;
  await until('the readiness exec', () => {
    execFileSync('/bin/echo', [probe]);
    return events().find(
      (e) => e.kind === 'process' && e.process.argv.includes(probe),
    );
  });
}

function runContainer(role: string): string {
  const id = podman(
    'run',
    '-d',
    '--name',
    `vigil-e2e-${role}-${process.pid}`,
    TEST_IMAGE,
    'sleep',
    '60',
  );
  cleanups.push({
    what: `container ${role}`,
    run: () => podman('rm', '-f', '-t', '0', id),
  });
  return id;
}

beforeAll(async () => {
  requireCommands(
    ['auditd', 'auditctl'],
    'the kernel audit test needs auditd (.ci/run installs it)',
  );
  requireCommands(
    ['podman', 'runc'],
    'the container test needs Podman with runc (.ci/run installs them)',
  );
  requireCommands(
    ['ip', 'busybox', 'timeout'],
    'the network test needs iproute2, busybox and coreutils',
  );
  ensureAuditd();
  ensureTestImage();
  scratch = mkdtempSync(join(tmpdir(), 'vigil-node-e2e-files-'));
  cleanups.push({
    what: 'scratch files',
    run: () => rmSync(scratch, { recursive: true, force: true }),
  });
  namespace = createNetworkNamespace('e2e');
  cleanups.push({ what: 'namespace', run: () => namespace.remove() });
  hostListener = createServer((socket) => socket.end());
  await new Promise<void>((resolve) =>
    hostListener.listen(LISTEN_PORT, namespace.hostAddress, resolve),
  );
  cleanups.push({ what: 'host listener', run: () => hostListener.close() });
  service = await startPodmanService();
  cleanups.push({ what: 'podman service', run: () => service.stop() });
  // Audit rules are global and the kernel logs an event under the key of
  // the first rule that matches it, so they are added as late as possible.
  rules = addAuditSyscallRules(AUDIT_KEY, ['execve', 'execveat', 'connect']);
  cleanups.push({ what: 'audit rules', run: () => rules.remove() });
  await startAgent();

  attacker = runContainer('attacker');
  bystander = runContainer('bystander');

  // Copies of busybox under server names: `exec -a` sets argv[0] to an
  // applet, so the copy runs that applet while its executable, and so
  // its comm, keeps the server's name. Both keep running.
  await inContainer(
    attacker,
    'busybox mkdir -p /usr/sbin && ' +
      'busybox cp /bin/busybox /usr/sbin/sshd && ' +
      'busybox cp /bin/busybox /usr/sbin/nginx',
  );
  await podmanAsync(
    'exec',
    '-d',
    attacker,
    'sh',
    '-c',
    'exec -a sleep /usr/sbin/sshd 20',
  );
  await podmanAsync(
    'exec',
    '-d',
    attacker,
    'sh',
    '-c',
    "exec -a sh /usr/sbin/nginx -c 'sh -c id; sleep 20'",
  );
  namespace.listen(LISTEN_PORT, 10_000);
  await new Promise((resolve) => setTimeout(resolve, 200));
  // The marker and the connection run from a script that outlives them,
  // so that the agent finds their container through the parent.
  await runScript(attacker, [
    `/bin/echo ${EICAR}`,
    `echo e2e | nc -w 2 ${namespace.address} ${LISTEN_PORT}`,
  ]);

  // Near misses, each seen by the agent and matching no rule: an SSH
  // client, a shell with no web server above it, another marker and a
  // connection to an address that the feed does not list.
  await runScript(bystander, [
    'busybox cp /bin/busybox /bin/ssh',
    '(exec -a sleep /bin/ssh 1)',
    // busybox sh runs a bare `id` inside itself, but a path makes it exec.
    'sh -c id',
    '/bin/id',
    '/bin/echo VIGIL-TEST-ALERT-0000',
    `echo e2e | nc -w 2 ${namespace.hostAddress} ${LISTEN_PORT}`,
  ]);
  // A node process, whose alert must name no container.
  nodeEicarPid = spawnSync('/bin/echo', [EICAR]).pid;
}, 40_000);

afterAll(async () => {
  const failures: string[] = [];
  // Steps run in reverse creation order, and each one runs even when an
  // earlier one fails.
  for (const step of cleanups.splice(0).reverse()) {
    try {
      const result = await step.run();
      if (Array.isArray(result) && result.length > 0) {
        failures.push(`${step.what}: ${result.join('; ')}`);
      }
    } catch (error) {
      failures.push(`${step.what}: ${String(error)}`);
    }
  }
  if (failures.length > 0) throw new Error(failures.join('\n'));
}, 30_000);

describe('vigil agent on real audit, Podman and a network namespace', () => {
  it('raises K8S.NODE_ContainerSSH for a binary named sshd', async () => {
    const alert = await until('ContainerSSH', () =>
      alertIn('K8S.NODE_ContainerSSH', attacker),
    );
    expect(alert.entities.containers?.[0]).toMatchObject({
      id: attacker,
      image: TEST_IMAGE,
    });
    expect(alert.entities.process).toBe('sleep 20');
    const exec = processIn(attacker, ['sleep', '20']);
    expect(exec?.process.exe).toBe('/usr/sbin/sshd');
  });

  it('raises K8S.NODE_Webshell for a shell under nginx', async () => {
    const alert = await until('Webshell', () =>
      alertIn('K8S.NODE_Webshell', attacker),
    );
    expect(alert.entities.containers?.[0]?.id).toBe(attacker);
    expect(alert.entities.process).toBe('sh -c id');
    const shell = processIn(attacker, ['sh', '-c', 'id']);
    expect(shell?.process.ancestors[0]?.name).toBe('nginx');
    expect(shell?.process.ancestors[0]?.exe).toBe('/usr/sbin/nginx');
  });

  it('raises K8S.NODE_EICAR for the test command', async () => {
    const alert = await until('EICAR', () =>
      alertIn('K8S.NODE_EICAR', attacker),
    );
    expect(alert.entities.containers?.[0]?.id).toBe(attacker);
    expect(alert.entities.process).toBe(`/bin/echo ${EICAR}`);
    expect(alert.severity).toBe('High');
  });

  it('raises K8S.NODE_MaliciousIPConnection for the listed address', async () => {
    const alert = await until('MaliciousIPConnection', () =>
      alertIn('K8S.NODE_MaliciousIPConnection', attacker),
    );
    expect(alert.entities.containers?.[0]?.id).toBe(attacker);
    const connect = events().find(
      (e) =>
        e.kind === 'network' &&
        containerOf(e) === attacker &&
        e.network.remoteAddress === namespace.address,
    );
    expect(connect?.kind).toBe('network');
    expect(connect?.kind === 'network' && connect.network).toMatchObject({
      direction: 'outbound',
      family: 'ipv4',
      remotePort: LISTEN_PORT,
    });
  });

  it('names no container for the test command on the node', async () => {
    const exec = await until('the node exec', () =>
      events().find(
        (e) => e.kind === 'process' && e.process.pid === nodeEicarPid,
      ),
    );
    expect(exec.kind).toBe('process');
    expect(exec.kind === 'process' && exec.process.argv).toEqual([
      '/bin/echo',
      EICAR,
    ]);
    expect(exec.container).toBe('unknown');
    // Other test runs on the node may have opened the node's alert first,
    // and a later occurrence only raises its count.
    const alert = alerts().find(
      (a) =>
        a.alertType === 'K8S.NODE_EICAR' &&
        (a.entities.containers ?? []).length === 0,
    );
    expect(alert?.entities.node).toBe(exec.node);
  });

  it('raises nothing for the near misses', async () => {
    await until('the unlisted connect', () =>
      events().find(
        (e) =>
          e.kind === 'network' &&
          containerOf(e) === bystander &&
          e.network.remoteAddress === namespace.hostAddress,
      ),
    );
    const seen = events().filter((e) => containerOf(e) === bystander);
    const argv = seen.flatMap((e) =>
      e.kind === 'process' ? [e.process.argv.join(' ')] : [],
    );
    expect(argv).toEqual(
      expect.arrayContaining([
        'sleep 1',
        'sh -c id',
        '/bin/id',
        '/bin/echo VIGIL-TEST-ALERT-0000',
      ]),
    );
    const raised = alerts().filter((a) =>
      a.entities.containers?.some((c) => c.id === bystander),
    );
    expect(raised.map((a) => a.alertType)).toEqual([]);
  });

  it('delivers the four alerts to the server', async () => {
    const expected = [
      'K8S.NODE_ContainerSSH',
      'K8S.NODE_EICAR',
      'K8S.NODE_MaliciousIPConnection',
      'K8S.NODE_Webshell',
    ];
    const types = await until('stored alerts', async () => {
      const response = await fetch(
        `${server.url}/api/v1/alerts?cluster=${CLUSTER}&limit=500`,
        { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } },
      );
      const body = (await response.json()) as { items: Alert[] };
      const found = new Set(
        body.items
          .filter((a) => a.entities.containers?.[0]?.id === attacker)
          .map((a) => a.alertType),
      );
      return expected.every((t) => found.has(t)) ? [...found] : undefined;
    });
    expect(types.sort()).toEqual(expected);
  });

  // A process that `podman exec` starts and that exits before the agent
  // reads its audit record has no /proc/PID/cgroup left, and its parent
  // is runc, outside the container. The container comes from runc's
  // command line.
  it('keeps the container of a short podman exec', async () => {
    const markers = [1, 2, 3].map((n) => `node-e2e-short-${n}-${randomUUID()}`);
    for (const marker of markers) {
      await podmanAsync('exec', attacker, '/bin/echo', marker);
    }
    // The podman command on the node has the marker in its argv too, so
    // the echo is found by its whole argv.
    const seen = await until('the short execs', () => {
      const found = markers.map((m) =>
        events().find(
          (e) =>
            e.kind === 'process' &&
            e.process.argv.join('\0') === `/bin/echo\0${m}`,
        ),
      );
      return found.every(Boolean) ? found : undefined;
    });
    expect(seen.map((e) => e && containerOf(e))).toEqual(
      markers.map(() => attacker),
    );
    for (const event of seen) {
      expect(['runtime-exec', 'cgroup']).toContain(event?.attribution);
    }
  });
});
