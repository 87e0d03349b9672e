import { type ChildProcess, spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
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
