import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContainerDirectory } from '../sources/container-runtime/container-directory.js';
import type { ProcessEvent } from '../sources/event.js';
import { ProcessTree } from '../sources/proc/process-tree.js';
import { Attributor } from './attributor.js';
import { RUNTIME_EXEC_WINDOW_MS } from './runtime-exec.js';

const CONTAINER = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);
const IN_CONTAINER = `0::/libpod_parent/libpod-${CONTAINER}\n`;
const ON_NODE = '0::/system.slice/conmon.service\n';
const T0 = 1_796_357_979_000;

/** Writes the /proc files of a living process under `root`. */
function writeProcess(root: string, pid: number, ppid: number, cgroup: string) {
  const dir = join(root, String(pid));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'stat'), `${pid} (p) S ${ppid} ${'0 '.repeat(17)}1`);
  writeFileSync(join(dir, 'status'), 'Uid:\t0\t0\t0\t0\n');
  writeFileSync(join(dir, 'cmdline'), 'p\0');
  writeFileSync(join(dir, 'cgroup'), cgroup);
}

/** Removes the /proc entry of a process that exited. */
function exit(root: string, pid: number) {
  rmSync(join(root, String(pid)), { recursive: true });
}

function exec(
  pid: number,
  ppid: number,
  argv: string[],
  exe = argv[0] as string,
  timeMs = T0,
): ProcessEvent {
  return {
    id: `audit:n:${pid}`,
    kind: 'process',
    time: new Date(timeMs).toISOString(),
    timeMs,
    cluster: 'c',
    node: 'n',
    container: 'unknown',
    pod: 'unknown',
    origin: { format: 'auditd' },
    truncated: false,
    process: {
      pid,
      ppid,
      exe,
      name: 'p',
      argv,
      cwd: '/',
      uid: 0,
      auid: 4294967295,
      ancestors: [],
    },
  };
}

function runcExec(pid: number, ppid: number, id = CONTAINER) {
  return exec(
    pid,
    ppid,
    ['/usr/bin/runc', 'exec', '--detach', '--pid-file', '/run/x.pid', id],
    '/usr/sbin/runc',
  );
}

function setup() {
  const root = mkdtempSync(join(tmpdir(), 'vigil-attribution-'));
  const attributor = new Attributor(
    new ProcessTree(8192, root),
    new ContainerDirectory(undefined),
    root,
  );
  return { root, attributor };
}

function containerOf(event: ProcessEvent): string | undefined {
  return event.container === 'unknown' ? undefined : event.container.id;
}

describe('Attributor', () => {
  it('reads the cgroup of a living process', async () => {
    const { root, attributor } = setup();
    writeProcess(root, 50, 1, IN_CONTAINER);
    const event = await attributor.attribute(exec(50, 1, ['/bin/sh']));
    expect(containerOf(event as ProcessEvent)).toBe(CONTAINER);
    expect(event.attribution).toBe('cgroup');
  });

  it('takes the cgroup of an exited process from its parent', async () => {
    const { root, attributor } = setup();
    writeProcess(root, 60, 1, IN_CONTAINER);
    const event = await attributor.attribute(exec(61, 60, ['/bin/id']));
    expect(containerOf(event as ProcessEvent)).toBe(CONTAINER);
    expect(event.attribution).toBe('parent-cgroup');
  });

  it('names no container for a process on the node', async () => {
    const { root, attributor } = setup();
    writeProcess(root, 70, 1, ON_NODE);
    const event = await attributor.attribute(exec(70, 1, ['/bin/sh']));
    expect(event.container).toBe('unknown');
    expect(event.attribution).toBeUndefined();
  });

  it('places a short runtime exec in its container', async () => {
    const { root, attributor } = setup();
    writeProcess(root, 100, 1, ON_NODE);
    writeProcess(root, 110, 100, ON_NODE);
    await attributor.attribute(runcExec(110, 100));
    exit(root, 110);
    const event = await attributor.attribute(exec(112, 110, ['/bin/true']));
    expect(containerOf(event as ProcessEvent)).toBe(CONTAINER);
    expect(event.attribution).toBe('runtime-exec');
    expect(attributor.stats.runtimeExec).toBe(1);
  });

  it('places a command its detached runtime left', async () => {
    // runc exec --detach exited before the command exec'd, so the command
    // was reparented to conmon, the runtime's parent, as Podman logs it.
    const { root, attributor } = setup();
    writeProcess(root, 100, 1, ON_NODE);
    writeProcess(root, 110, 100, ON_NODE);
    await attributor.attribute(runcExec(110, 100));
    exit(root, 110);
    const event = await attributor.attribute(exec(112, 100, ['/bin/echo']));
    expect(containerOf(event as ProcessEvent)).toBe(CONTAINER);
    expect(event.attribution).toBe('runtime-exec');
  });

  it('leaves a runtime child of the parent on the node', async () => {
    const { root, attributor } = setup();
    writeProcess(root, 100, 1, ON_NODE);
    writeProcess(root, 110, 100, ON_NODE);
    await attributor.attribute(runcExec(110, 100));
    exit(root, 110);
    const state = exec(
      114,
      100,
      ['/usr/bin/runc', 'state', CONTAINER],
      '/usr/sbin/runc',
    );
    const event = await attributor.attribute(state);
    expect(event.container).toBe('unknown');
  });

  it('keeps runtime exec for the exited children', async () => {
    const { root, attributor } = setup();
    writeProcess(root, 100, 1, ON_NODE);
    writeProcess(root, 110, 100, ON_NODE);
    await attributor.attribute(runcExec(110, 100));
    await attributor.attribute(exec(112, 110, ['sh', '-c', 'id; id']));
    const child = await attributor.attribute(exec(113, 112, ['id']));
    expect(containerOf(child as ProcessEvent)).toBe(CONTAINER);
    expect(child.attribution).toBe('runtime-exec');
  });

  it('prefers the cgroup of a living exec', async () => {
    const { root, attributor } = setup();
    writeProcess(root, 100, 1, ON_NODE);
    writeProcess(root, 110, 100, ON_NODE);
    await attributor.attribute(runcExec(110, 100, OTHER));
    writeProcess(root, 112, 110, IN_CONTAINER);
    const event = await attributor.attribute(exec(112, 110, ['/bin/sleep']));
    expect(containerOf(event as ProcessEvent)).toBe(CONTAINER);
    expect(event.attribution).toBe('cgroup');
  });

  it('ignores a runtime exec past the window', async () => {
    const { root, attributor } = setup();
    writeProcess(root, 100, 1, ON_NODE);
    writeProcess(root, 110, 100, ON_NODE);
    await attributor.attribute(runcExec(110, 100));
    const late = T0 + RUNTIME_EXEC_WINDOW_MS + 1;
    const event = await attributor.attribute(
      exec(112, 110, ['/bin/true'], '/bin/true', late),
    );
    expect(event.container).toBe('unknown');
  });

  it('leaves the runtime init on the node', async () => {
    const { root, attributor } = setup();
    writeProcess(root, 100, 1, ON_NODE);
    writeProcess(root, 110, 100, ON_NODE);
    await attributor.attribute(runcExec(110, 100));
    const event = await attributor.attribute(
      exec(111, 110, ['/usr/bin/runc', 'init'], '/'),
    );
    expect(event.container).toBe('unknown');
  });

  it('ignores a runtime exec inside a container', async () => {
    const { root, attributor } = setup();
    writeProcess(root, 110, 1, IN_CONTAINER);
    await attributor.attribute(runcExec(110, 1, OTHER));
    const event = await attributor.attribute(exec(112, 110, ['/bin/true']));
    expect(containerOf(event as ProcessEvent)).toBe(CONTAINER);
    expect(event.attribution).toBe('parent-cgroup');
  });
});
