import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, waitFor } from '../support/api-client.js';
import { eventList } from '../support/audit-batches.js';
import {
  type Enrolment,
  enrolCluster,
  type ServerProcess,
  startServerProcess,
} from '../support/server-process.js';
import type { StoreBackend } from '../support/store-backends.js';

/** Size of the tmpfs that contains the data directory. */
const FILESYSTEM_BYTES = 32 * 1024 * 1024;

/** Returns an EventList of 500 reads of about 4 KiB, more than the WAL. */
function largeBatch(): string {
  const time = new Date(Date.now() + 1000).toISOString();
  const events = Array.from({ length: 500 }, (_, i) => ({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: randomUUID(),
    stage: 'ResponseComplete',
    requestURI: `/api/v1/namespaces/default/pods/web-${i}`,
    verb: 'get',
    user: { username: 'alice' },
    objectRef: { resource: 'pods', namespace: 'default', name: `web-${i}` },
    responseStatus: { code: 200 },
    requestReceivedTimestamp: time,
    stageTimestamp: time,
    annotations: { padding: 'x'.repeat(4000) },
  }));
  return eventList(events);
}

/** Writes zeros to `file` until the file system has no space left. */
function fillFileSystem(file: string): void {
  const fd = openSync(file, 'w');
  try {
    for (const size of [1024 * 1024, 4096, 1]) {
      const chunk = Buffer.alloc(size);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
}

describe('SQLite on a full disk', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-disk-full-'));
  const filler = join(dataDir, 'filler');
  const backend: StoreBackend = {
    dialect: 'sqlite',
    dataDir,
    database: undefined,
    async cleanup() {},
  };
  let server: ServerProcess | undefined;
  let cluster: Enrolment;

  beforeAll(async () => {
    // Root can mount a tmpfs; the whole suite runs as root on this machine.
    execFileSync('mount', [
      '-t',
      'tmpfs',
      '-o',
      `size=${FILESYSTEM_BYTES}`,
      'vigil-test-disk-full',
      dataDir,
    ]);
    cluster = enrolCluster(backend, 'full');
    server = await startServerProcess(backend);
  });

  afterAll(async () => {
    await server?.stop();
    execFileSync('umount', [dataDir]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = () =>
    request(`${server?.url}/k8s-audit`, cluster.token, {
      method: 'POST',
      body: largeBatch(),
    });
  const readyz = () => request(`${server?.url}/readyz`, undefined);

  it('readyz fails while writes fail', async () => {
    expect((await readyz()).status).toBe(200);
    fillFileSystem(filler);

    expect((await post()).status).toBe(503);
    // Small writes may still fit in the WAL file, so a second check must
    // not turn ready from a probe write.
    for (let i = 0; i < 2; i++) {
      const ready = await readyz();
      expect(ready.status).toBe(503);
      expect(ready.body.error.code).toBe('SERVER_NOT_READY');
      expect(ready.body.error.message).toBe(
        'not ready: database writes fail because its disk is full; free space on it',
      );
    }
  });

  it('log names the disk-full error', async () => {
    const output = await waitFor(
      async () => server?.output() ?? '',
      (text) => text.includes('"msg":"database disk full'),
    );
    const lines = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
    const full = lines.filter((line) =>
      String(line.msg).startsWith('database disk full'),
    );
    expect(full).toHaveLength(1);
    expect(full[0].level).toBe(50);
    expect(full[0].err.code).toBe('SQLITE_FULL');
    const rollback = lines.filter((line) =>
      String(line.err?.message).includes('cannot rollback'),
    );
    expect(rollback).toEqual([]);
  });

  it('readyz recovers once space is freed', async () => {
    rmSync(filler);
    expect((await readyz()).status).toBe(200);
    // The log line may reach the pipe after the response.
    const output = await waitFor(
      async () => server?.output() ?? '',
      (text) => text.includes('"msg":"database writes succeed again"'),
    );
    expect(output).toContain('"msg":"database writes succeed again"');
    const posted = await post();
    expect(posted.status).toBe(200);
    expect(posted.body.queued).toBe(500);
  });
});
