import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, waitFor } from '../support/api-client.js';
import type { AuditEventJson } from '../support/audit-batches.js';
import {
  eventList,
  falcoSamples,
  liveCopies,
} from '../support/audit-batches.js';
import {
  type Enrolment,
  enrolCluster,
  runClusters,
  type ServerProcess,
  startServerProcess,
  TEST_ADMIN_TOKEN,
} from '../support/server-process.js';
import {
  createStoreBackend,
  type StoreBackend,
} from '../support/store-backends.js';

const BODY_LIMIT = 256 * 1024;
const MAX_EVENT_BYTES = 64 * 1024;

function sampleEvent(key: string): AuditEventJson {
  const event = falcoSamples().find((s) => s.key === key)?.events[0];
  if (!event) throw new Error(`sample ${key} not found`);
  return structuredClone(event) as AuditEventJson;
}

const privileged = () =>
  sampleEvent('k8s_audit/create_nginx_pod_privileged.json');

/** A privileged pod create at `timeMs` in `namespace`, raising one alert. */
function privilegedIn(namespace: string, timeMs: number, id: string) {
  const event = privileged();
  event.objectRef.namespace = namespace;
  event.responseObject.metadata.namespace = namespace;
  return liveCopies([event], timeMs, `-${id}`)[0] as AuditEventJson;
}

async function alertsOf(url: string, query: string) {
  const page = await request(`${url}/api/v1/alerts?${query}`, TEST_ADMIN_TOKEN);
  return page.body.items as AuditEventJson[];
}

describe('webhook bad input', () => {
  let backend: StoreBackend;
  let server: ServerProcess;
  let alpha: Enrolment;
  let beta: Enrolment;
  let webhook: string;

  beforeAll(async () => {
    backend = await createStoreBackend('sqlite');
    alpha = enrolCluster(backend, 'alpha');
    beta = enrolCluster(backend, 'beta');
    server = await startServerProcess(backend, {
      args: [
        '--body-limit',
        String(BODY_LIMIT),
        '--max-event-bytes',
        String(MAX_EVENT_BYTES),
      ],
    });
    webhook = `${server.url}/k8s-audit`;
  });

  afterAll(async () => {
    await server?.stop();
    await backend?.cleanup();
  });

  const post = (
    token: string | undefined,
    body: string | Buffer,
    headers = {},
  ) => request(webhook, token, { method: 'POST', body, headers });

  it('missing token gets 401', async () => {
    const response = await post(undefined, eventList([]));
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('AUTH_TOKEN_MISSING');
  });

  it('wrong token gets 401', async () => {
    const response = await post('not-a-token', eventList([]));
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('AUTH_TOKEN_INVALID');
    expect(response.body.error.message).toBe(
      "invalid token: it is not a cluster's ingest token",
    );
  });

  it('failed authentication is logged once a minute', async () => {
    await post('guess-1', eventList([]));
    await post('guess-2', eventList([]));
    const invalidTokenLines = async () =>
      server
        .output()
        .split('\n')
        .filter(
          (line) =>
            line.includes('"msg":"authentication failed"') &&
            line.includes('"code":"AUTH_TOKEN_INVALID"'),
        );
    const lines = await waitFor(invalidTokenLines, (found) => found.length > 0);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] as string);
    expect(line.ip).toBe('127.0.0.1');
    expect(line.route).toBe('/k8s-audit');
    expect(server.output()).not.toContain('guess-1');
    expect(server.output()).not.toContain('guess-2');
  });

  it('admin token is not a cluster token', async () => {
    const response = await post(TEST_ADMIN_TOKEN, eventList([]));
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('AUTH_TOKEN_INVALID');
  });

  it('cluster token cannot read the API', async () => {
    const response = await request(`${server.url}/api/v1/alerts`, alpha.token);
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('AUTH_TOKEN_INVALID');
    expect(response.body.error.message).toBe(
      'invalid token: it is not an admin token',
    );
  });

  it("another cluster's token attributes to it", async () => {
    const event = privilegedIn('attribution', Date.now() + 1000, 'attr');
    // Cloud formats name clusters in the body; the webhook never trusts it.
    event.annotations = { cluster: 'alpha' };
    const response = await post(beta.token, eventList([event]));
    expect(response.status).toBe(200);

    const items = await waitFor(
      () => alertsOf(server.url, 'q=attribution'),
      (found) => found.length > 0,
    );
    expect(items.map((alert) => alert.cluster)).toEqual(['beta']);
  });

  it('revoked token gets 401', async () => {
    const gamma = enrolCluster(backend, 'gamma');
    expect((await post(gamma.token, eventList([]))).status).toBe(200);
    expect(runClusters(backend, ['revoke', 'gamma']).status).toBe(0);
    const response = await post(gamma.token, eventList([]));
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('AUTH_TOKEN_REVOKED');
  });

  it('oversized body gets 413', async () => {
    const body = eventList([{ padding: 'x'.repeat(BODY_LIMIT) }]);
    const response = await post(alpha.token, body);
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('REQUEST_BODY_TOO_LARGE');
    expect(response.body.error.message).toContain(String(BODY_LIMIT));
  });

  it('malformed JSON gets 400 naming the problem', async () => {
    const response = await post(alpha.token, '{"kind":"EventList","items":[');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('REQUEST_INVALID_JSON');
    expect(response.body.error.message).toMatch(/JSON/);
  });

  it('gzip body is decoded and queued', async () => {
    const event = privilegedIn('gzip-body', Date.now() + 1000, 'gz');
    const body = gzipSync(eventList([event]));
    const response = await post(alpha.token, body, {
      'content-encoding': 'gzip',
    });
    expect(response.status).toBe(200);
    expect(response.body.queued).toBe(1);
    const items = await waitFor(
      () => alertsOf(server.url, 'q=gzip-body'),
      (found) => found.length > 0,
    );
    expect(items).toHaveLength(1);
  });

  it('corrupt gzip body gets 400', async () => {
    const whole = gzipSync(eventList([privileged()]));
    const cut = whole.subarray(0, whole.length - 12);
    for (const body of [Buffer.from('not gzip at all'), cut]) {
      const response = await post(alpha.token, body, {
        'content-encoding': 'gzip',
      });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('REQUEST_INVALID_ENCODING');
    }
  });

  it('gzip past the body limit gets 413', async () => {
    // Compresses to a few kilobytes, far under the limit, and expands
    // past it.
    const body = gzipSync(eventList([{ padding: 'z'.repeat(BODY_LIMIT * 4) }]));
    expect(body.length).toBeLessThan(BODY_LIMIT / 16);
    const response = await post(alpha.token, body, {
      'content-encoding': 'gzip',
    });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('REQUEST_BODY_TOO_LARGE');
  });

  it('unknown content encoding gets 415', async () => {
    const response = await post(alpha.token, eventList([]), {
      'content-encoding': 'br',
    });
    expect(response.status).toBe(415);
    expect(response.body.error.code).toBe('REQUEST_UNSUPPORTED_ENCODING');
    expect(response.body.error.message).toContain('"br"');
  });

  it('body without events gets 400', async () => {
    const response = await post(alpha.token, '{"hello":"world"}');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('WEBHOOK_INVALID_BODY');
  });

  it('one bad item leaves the rest processed', async () => {
    const good = privilegedIn('bad-item', Date.now() + 1000, 'good');
    const response = await post(
      alpha.token,
      eventList([{ verb: 42 }, good, 'text']),
    );
    expect(response.status).toBe(200);
    expect(response.body.queued).toBe(1);
    expect(response.body.invalid).toBe(2);
    expect(
      response.body.problems.map((p: { reason: string }) => p.reason),
    ).toEqual([
      expect.stringContaining('items[0]'),
      expect.stringContaining('items[2]'),
    ]);
    const items = await waitFor(
      () => alertsOf(server.url, 'q=bad-item'),
      (found) => found.length > 0,
    );
    expect(items).toHaveLength(1);
  });

  it('oversized event is counted and dropped', async () => {
    const big = privilegedIn('too-large', Date.now() + 1000, 'big');
    big.annotations = { padding: 'y'.repeat(MAX_EVENT_BYTES) };
    const small = privilegedIn('small-event', Date.now() + 1000, 'small');
    const response = await post(alpha.token, eventList([big, small]));
    expect(response.status).toBe(200);
    expect(response.body.tooLarge).toBe(1);
    expect(response.body.queued).toBe(1);
    expect(response.body.invalid).toBe(0);
    expect(response.body.problems).toEqual([
      {
        code: 'event-too-large',
        reason: `event larger than maxEventBytes (${MAX_EVENT_BYTES} bytes), dropped before detection`,
        auditID: big.auditID,
        stage: big.stage,
      },
    ]);
  });

  it('repeated batch is dropped as duplicate', async () => {
    const body = eventList([privilegedIn('repeat', Date.now() + 1000, 'rep')]);
    expect((await post(alpha.token, body)).body.queued).toBe(1);
    const again = await post(alpha.token, body);
    expect(again.body.queued).toBe(0);
    expect(again.body.duplicates).toBe(1);
    const items = await waitFor(
      () => alertsOf(server.url, 'q=repeat'),
      (found) => found.length > 0,
    );
    expect(items.map((alert) => alert.count)).toEqual([1]);
  });

  it('single Event body is accepted', async () => {
    const event = privilegedIn('blocking-mode', Date.now() + 1000, 'single');
    const response = await post(alpha.token, JSON.stringify(event));
    expect(response.status).toBe(200);
    expect(response.body.queued).toBe(1);
  });

  it('events before enrolment are counted only', async () => {
    const old = privilegedIn(
      'before-enrolment',
      Date.parse(alpha.enrolledAt) - 60_000,
      'old',
    );
    const response = await post(alpha.token, eventList([old]));
    expect(response.status).toBe(200);
    expect(response.body.beforeEnrolment).toBe(1);
    expect(response.body.queued).toBe(0);

    const metrics = await request(`${server.url}/metrics`, TEST_ADMIN_TOKEN);
    expect(metrics.body).toMatch(
      /vigil_events_skipped_total\{reason="before-enrolment"\} [1-9]/,
    );
    expect(await alertsOf(server.url, 'q=before-enrolment')).toEqual([]);
  });

  it('hostile strings are stored as data, not logged', async () => {
    const script = '<script>alert(1)</script>';
    const ansi = '\u001b[31mkubectl\u001b[0m';
    const event = privilegedIn('hostile', Date.now() + 1000, 'hostile');
    event.userAgent = ansi;
    event.objectRef.name = script;
    event.responseObject.metadata.name = script;
    const response = await post(
      alpha.token,
      eventList([event, { verb: ansi }]),
    );
    expect(response.status).toBe(200);

    const [alert] = await waitFor(
      () => alertsOf(server.url, 'q=hostile'),
      (found) => found.length > 0,
    );
    expect(alert?.entities.userAgent).toBe(ansi);
    expect(JSON.stringify(alert)).toContain(
      JSON.stringify(script).slice(1, -1),
    );
    expect(server.output()).not.toContain('<script>');
    expect(server.output()).not.toContain('\u001b');
  });

  it('health answers without a token', async () => {
    expect((await request(`${server.url}/healthz`, undefined)).status).toBe(
      200,
    );
    expect((await request(`${server.url}/readyz`, undefined)).status).toBe(200);
    const metrics = await request(`${server.url}/metrics`, undefined);
    expect(metrics.status).toBe(401);
  });

  it('unknown route gets the error shape', async () => {
    const response = await request(`${server.url}/nope`, TEST_ADMIN_TOKEN);
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('status change without reason gets 400', async () => {
    const [alert] = await alertsOf(server.url, 'limit=1');
    const response = await request(
      `${server.url}/api/v1/alerts/${alert?.id}`,
      TEST_ADMIN_TOKEN,
      {
        method: 'PATCH',
        body: JSON.stringify({ status: 'resolved' }),
      },
    );
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('REQUEST_INVALID');
    expect(response.body.error.message).toContain('body.reason');
  });

  it('status change as text gets 415', async () => {
    const [alert] = await alertsOf(server.url, 'limit=1');
    const response = await request(
      `${server.url}/api/v1/alerts/${alert?.id}`,
      TEST_ADMIN_TOKEN,
      {
        method: 'PATCH',
        body: JSON.stringify({ status: 'resolved', reason: 'fixed' }),
        headers: { 'content-type': 'text/plain' },
      },
    );
    expect(response.status).toBe(415);
    expect(response.body.error.code).toBe('REQUEST_UNSUPPORTED_MEDIA_TYPE');
    expect(response.body.error.message).toBe(
      'unsupported Content-Type "text/plain"; send the body as application/json',
    );
    const after = await request(
      `${server.url}/api/v1/alerts/${alert?.id}`,
      TEST_ADMIN_TOKEN,
    );
    expect(after.body.status).toBe(alert?.status);
  });

  it('agent heartbeat as form gets 415', async () => {
    const response = await request(
      `${server.url}/api/v1/agent/heartbeat`,
      alpha.token,
      {
        method: 'POST',
        body: 'node=a',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
    );
    expect(response.status).toBe(415);
    expect(response.body.error.code).toBe('REQUEST_UNSUPPORTED_MEDIA_TYPE');
  });

  it('invalid filter gets 400', async () => {
    const response = await request(
      `${server.url}/api/v1/alerts?severity=Bogus`,
      TEST_ADMIN_TOKEN,
    );
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain('query.severity');
  });

  it('unknown alert gets 404', async () => {
    const response = await request(
      `${server.url}/api/v1/alerts/missing`,
      TEST_ADMIN_TOKEN,
    );
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('ALERT_NOT_FOUND');
  });

  it('upload queues a log file for a cluster', async () => {
    const lines = [
      privilegedIn('uploaded', Date.now() + 1000, 'up'),
      { verb: 1 },
    ]
      .map((event) => JSON.stringify(event))
      .join('\n');
    const response = await request(
      `${server.url}/api/v1/uploads?cluster=alpha&format=k8s-audit`,
      TEST_ADMIN_TOKEN,
      {
        method: 'POST',
        body: lines,
        headers: { 'content-type': 'application/octet-stream' },
      },
    );
    expect(response.status).toBe(200);
    expect(response.body.queued).toBe(1);
    expect(response.body.invalid).toBe(1);
    expect(response.body.problems[0].line).toBe(2);
    expect(response.body.beforeEnrolment).toBe(0);
    expect(response.body.enrolledAt).toBe(alpha.enrolledAt);
    expect(response.body.notes).toEqual([]);
    const items = await waitFor(
      () => alertsOf(server.url, 'q=uploaded'),
      (found) => found.length > 0,
    );
    expect(items.map((alert) => alert.cluster)).toEqual(['alpha']);
  });

  it('upload explains events before enrolment', async () => {
    const enrolledMs = Date.parse(alpha.enrolledAt);
    const lines = [
      privilegedIn('backfill', enrolledMs - 3_600_000, 'old-1'),
      privilegedIn('backfill', enrolledMs - 3_500_000, 'old-2'),
      privilegedIn('backfill', Date.now() + 1000, 'new'),
    ]
      .map((event) => JSON.stringify(event))
      .join('\n');
    const response = await request(
      `${server.url}/api/v1/uploads?cluster=alpha&format=k8s-audit`,
      TEST_ADMIN_TOKEN,
      {
        method: 'POST',
        body: lines,
        headers: { 'content-type': 'application/octet-stream' },
      },
    );
    expect(response.status).toBe(200);
    expect(response.body.received).toBe(3);
    expect(response.body.queued).toBe(1);
    expect(response.body.beforeEnrolment).toBe(2);
    expect(response.body.enrolledAt).toBe(alpha.enrolledAt);
    expect(response.body.notes).toEqual([
      `Skipped 2 events from before cluster alpha was enrolled at ${alpha.enrolledAt}: Vigil raises alerts only for activity after a cluster is enrolled. Run vigil scan on the file to check older activity.`,
    ]);
  });

  it('upload for unknown cluster gets 404', async () => {
    const response = await request(
      `${server.url}/api/v1/uploads?cluster=nope`,
      TEST_ADMIN_TOKEN,
      {
        method: 'POST',
        body: '{}',
      },
    );
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('CLUSTER_NOT_FOUND');
  });
});
