import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AGENT_PATHS,
  type AlertBatch,
} from '../../src/agent/agent-protocol.js';
import { AlertUploader } from '../../src/agent/alert-uploader.js';
import { ServerClient } from '../../src/agent/server-client.js';
import { Spool } from '../../src/agent/spool.js';
import type { Alert } from '../../src/alerts/alert.js';

function alert(n: number): Alert {
  return {
    id: `alert-${n}`,
    alertType: 'K8S.NODE_EICAR',
    title: 'test',
    severity: 'High',
    tactics: ['Execution'],
    techniques: [],
    status: 'active',
    startTime: '2026-01-01T00:00:00.000Z',
    endTime: '2026-01-01T00:00:00.000Z',
    count: 1,
    cluster: 'c1',
    entities: { node: 'node-a' },
    evidence: [],
    description: 'test',
    remediation: 'none',
    ruleVersion: 1,
  };
}

/** A receiving server that records alert ids, on a fixed port. */
class Receiver {
  received: string[] = [];
  private server: Server | undefined;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (
          req.url !== AGENT_PATHS.alerts ||
          req.headers.authorization !== 'Bearer t0k3n'
        ) {
          res.writeHead(401).end();
          return;
        }
        const batch = JSON.parse(
          Buffer.concat(chunks).toString(),
        ) as AlertBatch;
        for (const a of batch.alerts) this.received.push(a.id);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) =>
      this.server?.listen(this.port, '127.0.0.1', resolve),
    );
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

async function until(probe: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const receiver = new Receiver();
let uploader: AlertUploader | undefined;

afterEach(async () => {
  await uploader?.stop();
  await receiver.stop();
});

describe('alert delivery through an outage', () => {
  it('delivers every alert once after the server returns', async () => {
    await receiver.start();
    const spool = new Spool(mkdtempSync(join(tmpdir(), 'vigil-dl-')), {
      maxBytes: 10_000_000,
    });
    const client = new ServerClient(
      `http://127.0.0.1:${receiver.port}`,
      't0k3n',
      2000,
    );
    uploader = new AlertUploader(
      spool,
      client,
      { cluster: 'c1', node: 'node-a', agentVersion: 'test' },
      pino({ level: 'silent' }),
      { batchSize: 7, initialBackoffMs: 20, maxBackoffMs: 200 },
    );

    for (let n = 0; n < 5; n++) spool.append(alert(n));
    uploader.wake();
    await until(() => receiver.received.length === 5);

    await receiver.stop();
    for (let n = 5; n < 40; n++) {
      spool.append(alert(n));
      uploader.wake();
    }
    await until(() => (uploader?.stats.failures ?? 0) >= 2);
    expect(receiver.received).toHaveLength(5);
    expect(spool.pending()).toBe(35);

    await receiver.start();
    await until(() => receiver.received.length >= 40);
    await new Promise((resolve) => setTimeout(resolve, 300));

    const expected = Array.from({ length: 40 }, (_, n) => `alert-${n}`);
    expect(receiver.received).toEqual(expected);
    expect(spool.pending()).toBe(0);
    expect(uploader.stats.delivered).toBe(40);
  });

  it('keeps alerts spooled while the token is rejected', async () => {
    receiver.received = [];
    await receiver.start();
    const spool = new Spool(mkdtempSync(join(tmpdir(), 'vigil-dl-')), {
      maxBytes: 1_000_000,
    });
    const client = new ServerClient(
      `http://127.0.0.1:${receiver.port}`,
      'wrong',
    );
    uploader = new AlertUploader(
      spool,
      client,
      { cluster: 'c1', node: 'node-a', agentVersion: 'test' },
      pino({ level: 'silent' }),
      { initialBackoffMs: 20, maxBackoffMs: 50 },
    );
    spool.append(alert(1));
    expect(await uploader.drain()).toBe(false);
    expect(spool.pending()).toBe(1);
    expect(receiver.received).toEqual([]);
  });
});
