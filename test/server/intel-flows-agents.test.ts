import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFlowBatches } from '../../src/sources/flow/read-flow-file.js';
import { request, waitFor } from '../support/api-client.js';
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

interface Coverage {
  sources: { source: string; connected: boolean; events: number }[];
  alertTypes: { alertType: string; available: boolean; missing: string[] }[];
}

/** An AWS VPC flow log (default version 2 format) of the given flows. */
function awsFlowLog(flows: [string, string][], startSeconds: number): string {
  const lines = flows.map(
    ([source, destination], i) =>
      `2 123456789012 eni-0a1b2c3d ${source} ${destination} ${49152 + i} 443 6 10 840 ${startSeconds} ${startSeconds + 60} ACCEPT OK`,
  );
  return `${lines.join('\n')}\n`;
}

describe('intel, flow uploads and agents in the server', () => {
  let backend: StoreBackend;
  let server: ServerProcess;
  let token: string;

  const coverage = async (cluster: string): Promise<Coverage> =>
    (
      await request(
        `${server.url}/api/v1/clusters/${cluster}/coverage`,
        TEST_ADMIN_TOKEN,
      )
    ).body as Coverage;
  const source = (c: Coverage, name: string) =>
    c.sources.find((s) => s.source === name);
  const alertType = (c: Coverage, name: string) =>
    c.alertTypes.find((a) => a.alertType === name);

  beforeAll(async () => {
    backend = await createStoreBackend('sqlite');
    ({ token } = enrolCluster(backend, 'flows'));
    server = await startServerProcess(backend);
  });

  afterAll(async () => {
    await server?.stop();
    await backend?.cleanup();
  });

  it('agent intel answers with its hash as etag', async () => {
    const url = `${server.url}/api/v1/agent/intel`;
    const first = await request(url, token);
    expect(first.status).toBe(200);
    expect(first.body.format).toBe('vigil-intel');
    expect(first.body.sha256).toMatch(/^[0-9a-f]{64}$/);

    const again = await fetch(url, {
      headers: {
        authorization: `Bearer ${token}`,
        'if-none-match': `"${first.body.sha256}"`,
      },
    });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(`"${first.body.sha256}"`);

    expect((await request(url, undefined)).status).toBe(401);
    expect((await request(url, 'not-a-cluster-token-000000')).status).toBe(401);
  });

  it('coverage counts loaded intel as connected', async () => {
    const c = await coverage('flows');
    expect(source(c, 'intel')?.connected).toBe(true);
    expect(alertType(c, 'NET_MaliciousServerCommunication')?.missing).toEqual([
      'flow-logs',
    ]);
  });

  it('flow upload raises intel alerts', async () => {
    const startSeconds = Math.floor(Date.now() / 1000) + 5;
    const body = [
      awsFlowLog(
        [
          ['10.0.1.5', '192.0.2.10'],
          ['10.0.1.6', '198.51.100.7'],
        ],
        startSeconds,
      ),
      '2 123456789012 eni-0a1b2c3d 10.0.1.7\n',
    ].join('');
    const upload = await request(
      `${server.url}/api/v1/uploads/flows?cluster=flows&format=aws-vpc`,
      TEST_ADMIN_TOKEN,
      { method: 'POST', body, headers: { 'content-type': 'text/plain' } },
    );
    expect(upload.status).toBe(200);
    expect(upload.body.format).toBe('aws-vpc');
    expect(upload.body.received).toBe(2);
    expect(upload.body.queued).toBe(2);
    expect(upload.body.invalid).toBe(1);
    expect(upload.body.problems[0].line).toBe(3);
    expect(upload.body.beforeEnrolment).toBe(0);
    expect(upload.body.notes).toEqual([]);

    const alerts = await waitFor(
      async () =>
        (
          await request(
            `${server.url}/api/v1/alerts?cluster=flows&alertType=NET_MaliciousServerCommunication`,
            TEST_ADMIN_TOKEN,
          )
        ).body.items as { entities: Record<string, unknown> }[],
      (items) => items.length > 0,
    );
    expect(alerts).toHaveLength(1);
    expect(JSON.stringify(alerts[0]?.entities)).toContain('192.0.2.10');
    expect(JSON.stringify(alerts[0]?.entities)).not.toContain('198.51.100.7');

    const c = await coverage('flows');
    expect(source(c, 'flow-logs')?.connected).toBe(true);
    expect(source(c, 'flow-logs')?.events).toBe(2);
    expect(alertType(c, 'NET_MaliciousServerCommunication')?.available).toBe(
      true,
    );
  });

  it('flow upload retry queues nothing twice', async () => {
    const body = awsFlowLog(
      [['10.0.2.5', '192.0.2.11']],
      Math.floor(Date.now() / 1000) + 5,
    );
    const url = `${server.url}/api/v1/uploads/flows?cluster=flows`;
    const init = {
      method: 'POST',
      body,
      headers: { 'content-type': 'text/plain' },
    };
    const first = await request(url, TEST_ADMIN_TOKEN, init);
    const second = await request(url, TEST_ADMIN_TOKEN, init);
    expect(first.body.queued).toBe(1);
    expect(second.body.queued).toBe(0);
    expect(second.body.duplicates).toBe(1);
  });

  it('flow upload queues flows before a cut gzip stream', async () => {
    // Random source addresses make the text compress poorly, so the cut
    // falls well after the first flows.
    const flows: [string, string][] = [];
    for (let i = 0; i < 20_000; i++) {
      const [a, b] = randomBytes(2);
      flows.push([`10.${a}.${b}.${i % 250}`, '203.0.113.80']);
    }
    const gzip = gzipSync(awsFlowLog(flows, Math.floor(Date.now() / 1000)));
    const cut = gzip.subarray(0, Math.floor(gzip.length * 0.6));
    const response = await request(
      `${server.url}/api/v1/uploads/flows?cluster=flows&format=aws-vpc`,
      TEST_ADMIN_TOKEN,
      {
        method: 'POST',
        body: cut,
        headers: { 'content-type': 'application/octet-stream' },
      },
    );
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('REQUEST_INVALID');
    const queued = Number(
      /the (\d+) flows before that point were queued/.exec(
        response.body.error.message,
      )?.[1],
    );
    expect(queued).toBeGreaterThan(0);
    expect(queued).toBeLessThan(flows.length);

    // The upload queues every flow that a scan of the same bytes reads.
    const file = join(mkdtempSync(join(tmpdir(), 'vigil-cut-')), 'cut.gz');
    writeFileSync(file, cut);
    let read = 0;
    await expect(async () => {
      for await (const batch of readFlowBatches(file, 'aws-vpc')) {
        read += batch.length;
      }
    }).rejects.toThrow('unexpected end of file');
    expect(queued).toBe(read);
  });

  it('flow upload rejects a file of no flow format', async () => {
    const response = await request(
      `${server.url}/api/v1/uploads/flows?cluster=flows`,
      TEST_ADMIN_TOKEN,
      {
        method: 'POST',
        body: 'hello\n',
        headers: { 'content-type': 'text/plain' },
      },
    );
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('REQUEST_INVALID');
  });

  it('flow upload needs the admin token', async () => {
    const response = await request(
      `${server.url}/api/v1/uploads/flows?cluster=flows`,
      token,
      { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } },
    );
    expect(response.status).toBe(401);
  });

  it('agent batches connect the agent source', async () => {
    expect(source(await coverage('flows'), 'agent')?.connected).toBe(false);
    const now = new Date().toISOString();
    const identity = { cluster: 'flows', node: 'node-1', agentVersion: '1' };
    const heartbeat = await request(
      `${server.url}/api/v1/agent/heartbeat`,
      token,
      {
        method: 'POST',
        body: JSON.stringify({
          ...identity,
          time: now,
          startedAt: now,
          counters: {},
        }),
      },
    );
    expect(heartbeat.status).toBe(200);
    expect(source(await coverage('flows'), 'agent')?.connected).toBe(true);

    const batch = await request(`${server.url}/api/v1/agent/alerts`, token, {
      method: 'POST',
      body: JSON.stringify({
        ...identity,
        batchId: 'ab'.repeat(16),
        alerts: [
          {
            id: 'cd'.repeat(8),
            alertType: 'K8S_NODE_SuspectNohup',
            title: 'Suspect nohup',
            severity: 'Medium',
            tactics: ['Persistence'],
            techniques: ['T1059'],
            status: 'active',
            startTime: now,
            endTime: now,
            count: 1,
            cluster: 'flows',
            entities: { node: 'node-1' },
            evidence: [],
            description: 'd',
            remediation: 'r',
            ruleVersion: 1,
          },
        ],
      }),
    });
    expect(batch.status).toBe(200);
    expect(source(await coverage('flows'), 'agent')?.events).toBe(1);
  });
});
