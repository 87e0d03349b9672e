import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcScanner } from './proc-scanner.js';
import { ProcessTree } from './process-tree.js';

let sleeper: ChildProcess;
let listener: Server;

beforeAll(async () => {
  sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
  listener = createServer();
  await new Promise<void>((resolve) =>
    listener.listen(0, '127.0.0.1', resolve),
  );
});

afterAll(() => {
  sleeper.kill();
  listener.close();
});

function scanner(connections = false) {
  const context = {
    cluster: 'c1',
    node: 'node-a',
    procRoot: '/proc',
    connections,
  };
  return new ProcScanner(context, new ProcessTree());
}

describe('ProcScanner on the real /proc', () => {
  it('reports running processes once', async () => {
    const scan = scanner();
    const first = await scan.scanProcesses();
    const sleep = first.find((e) => e.process.pid === sleeper.pid);
    expect(sleep?.process.argv).toEqual(['sleep', '30']);
    expect(sleep?.process.ppid).toBe(process.pid);
    expect(sleep?.process.exe).toBe('/usr/bin/sleep');
    expect(sleep?.origin.format).toBe('proc');
    const second = await scan.scanProcesses();
    expect(second.some((e) => e.process.pid === sleeper.pid)).toBe(false);
  });

  it('skips a pid that audit reported', async () => {
    const scan = scanner();
    scan.markReported(sleeper.pid as number);
    const events = await scan.scanProcesses();
    expect(events.some((e) => e.process.pid === sleeper.pid)).toBe(false);
  });

  it('reports a listening socket with its owner', async () => {
    const { port } = listener.address() as AddressInfo;
    const events = await scanner().scanSockets();
    const listen = events.find((e) => e.network.localPort === port);
    expect(listen?.network).toMatchObject({
      direction: 'listen',
      protocol: 'tcp',
      family: 'ipv4',
      localAddress: '127.0.0.1',
    });
    expect(listen?.process.pid).toBe(process.pid);
  });
});

/** Writes the /proc files of one process, started at `startTicks`. */
function writeProcess(root: string, pid: number, startTicks: number) {
  const dir = join(root, String(pid));
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'stat'),
    `${pid} (worker) S 1 ${'0 '.repeat(17)}${startTicks} 0 0`,
  );
  writeFileSync(join(dir, 'status'), 'Name:\tworker\nUid:\t0\t0\t0\t0\n');
  writeFileSync(join(dir, 'cmdline'), 'worker\0');
  writeFileSync(join(dir, 'cgroup'), '0::/\n');
}

describe('ProcScanner on a written /proc', () => {
  it('reports a reused pid again', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vigil-proc-'));
    const scan = new ProcScanner(
      { cluster: 'c1', node: 'node-a', procRoot: root, connections: false },
      new ProcessTree(8192, root),
    );
    writeProcess(root, 300, 4100);
    const first = await scan.scanProcesses();
    expect(first.map((e) => e.id)).toEqual(['proc:node-a:300:4100']);
    expect(await scan.scanProcesses()).toEqual([]);

    writeProcess(root, 300, 5200);
    const reused = await scan.scanProcesses();
    expect(reused.map((e) => e.id)).toEqual(['proc:node-a:300:5200']);
  });
});
