import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_ALERTS } from '../sample-alerts.js';
import { request, waitFor } from '../support/api-client.js';
import {
  type AuditEventJson,
  eventList,
  falcoSamples,
  liveCopies,
  type SampleFile,
} from '../support/audit-batches.js';
import {
  enrolCluster,
  type ServerProcess,
  startServerProcess,
  TEST_ADMIN_TOKEN,
} from '../support/server-process.js';
import {
  createStoreBackend,
  DIALECTS,
  type StoreBackend,
} from '../support/store-backends.js';

/** A fresh copy of the privileged pod sample, stamped after enrolment. */
function privilegedPodEvent(suffix: string): AuditEventJson {
  const sample = falcoSamples().find(
    (s) => s.key === 'k8s_audit/create_nginx_pod_privileged.json',
  );
  if (!sample) throw new Error('privileged pod sample not found');
  const [event] = liveCopies(sample.events, Date.now() + 1000, suffix);
  if (!event) throw new Error('privileged pod sample has no event');
  return event as AuditEventJson;
}

/**
 * Spreads the samples over clusters so that no alert type is expected
 * twice in one cluster: each cluster's alerts then map one to one to
 * the samples that raise them, without aggregation joining two samples.
 */
function groupSamples(samples: SampleFile[]): SampleFile[][] {
  const groups: { samples: SampleFile[]; types: Set<string> }[] = [];
  for (const sample of samples) {
    const types = SAMPLE_ALERTS[sample.key] ?? [];
    let group = groups.find((g) => types.every((t) => !g.types.has(t)));
    if (!group) {
      group = { samples: [], types: new Set() };
      groups.push(group);
    }
    group.samples.push(sample);
    for (const type of types) group.types.add(type);
  }
  return groups.map((group) => group.samples);
}

describe.each(DIALECTS)('webhook end to end on %s', (dialect) => {
  let backend: StoreBackend;
  let server: ServerProcess;
  const groups = groupSamples(falcoSamples());

  beforeAll(async () => {
    backend = await createStoreBackend(dialect);
    server = await startServerProcess(backend);
  });

  afterAll(async () => {
    await server?.stop();
    await backend?.cleanup();
  });

  it('samples raise their listed alerts', async () => {
    const clusters = groups.map((_, i) => enrolCluster(backend, `corpus-${i}`));
    const startMs = Date.now() + 1000;

    for (const [i, group] of groups.entries()) {
      const enrolment = clusters[i];
      if (!enrolment) throw new Error('missing enrolment');
      for (const [j, sample] of group.entries()) {
        const events = liveCopies(sample.events, startMs + j * 1000, `-${j}`);
        const response = await request(
          `${server.url}/k8s-audit`,
          enrolment.token,
          { method: 'POST', body: eventList(events) },
        );
        expect(response.status, sample.key).toBe(200);
        const { queued, invalid } = response.body;
        expect(queued + invalid, sample.key).toBe(events.length);
      }
    }

    for (const [i, group] of groups.entries()) {
      const expected = group
        .flatMap((sample) => SAMPLE_ALERTS[sample.key] ?? [])
        .sort();
      const read = async () => {
        const page = await request(
          `${server.url}/api/v1/alerts?cluster=corpus-${i}&limit=500`,
          TEST_ADMIN_TOKEN,
        );
        return (page.body.items as { alertType: string }[])
          .map((alert) => alert.alertType)
          .sort();
      };
      const types = await waitFor(read, (t) => t.length >= expected.length);
      expect(types, `cluster corpus-${i}`).toEqual(expected);
    }
  });

  it('padded pod at default limits raises', async () => {
    // About 2 MiB in each of the request and the stored object make an
    // event of over 4 MiB, as the API server writes for a padded pod.
    const padded = privilegedPodEvent('-padded');
    const padding = { padding: 'p'.repeat(2 * 1024 * 1024) };
    padded.requestObject.metadata.annotations = padding;
    padded.responseObject.metadata.annotations = padding;

    const enrolment = enrolCluster(backend, 'padded');
    const response = await request(`${server.url}/k8s-audit`, enrolment.token, {
      method: 'POST',
      body: eventList([padded]),
    });
    expect(response.status).toBe(200);
    expect(response.body.queued).toBe(1);
    expect(response.body.tooLarge).toBe(0);

    const alerts = await waitFor(
      async () =>
        (
          await request(
            `${server.url}/api/v1/alerts?cluster=padded&alertType=K8S_PrivilegedContainer`,
            TEST_ADMIN_TOKEN,
          )
        ).body.items as unknown[],
      (items) => items.length > 0,
    );
    expect(alerts).toHaveLength(1);
  });

  it('responses escape terminal controls', async () => {
    const hostile = privilegedPodEvent('-hidden');
    hostile.userAgent = 'kubectl\u009b2J\u202egnp.exe';

    const enrolment = enrolCluster(backend, 'hidden');
    const response = await request(`${server.url}/k8s-audit`, enrolment.token, {
      method: 'POST',
      body: eventList([hostile]),
    });
    expect(response.status).toBe(200);
    await waitFor(
      async () =>
        (
          await request(
            `${server.url}/api/v1/alerts?cluster=hidden`,
            TEST_ADMIN_TOKEN,
          )
        ).body.items as unknown[],
      (items) => items.length > 0,
    );

    const raw = await fetch(`${server.url}/api/v1/alerts?cluster=hidden`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    const text = await raw.text();
    expect(text).not.toContain('\u009b');
    expect(text).not.toContain('\u202e');
    expect(text).toContain('kubectl\\u009b2J\\u202egnp.exe');
    const [alert] = JSON.parse(text).items;
    expect(alert.entities.userAgent).toBe('kubectl\u009b2J\u202egnp.exe');
  });

  it('alert detail carries evidence', async () => {
    const page = await request(
      `${server.url}/api/v1/alerts?alertType=K8S_PrivilegedContainer&limit=1`,
      TEST_ADMIN_TOKEN,
    );
    const [first] = page.body.items;
    const detail = await request(
      `${server.url}/api/v1/alerts/${first.id}`,
      TEST_ADMIN_TOKEN,
    );
    expect(detail.status).toBe(200);
    expect(detail.body.evidence.length).toBeGreaterThan(0);
    expect(detail.body.evidence[0].body.verb).toBe('create');
    expect(detail.body.statusHistory).toEqual([]);
  });

  it('status change records who and why', async () => {
    const page = await request(
      `${server.url}/api/v1/alerts?limit=1`,
      TEST_ADMIN_TOKEN,
    );
    const id = page.body.items[0].id as string;
    const changed = await request(
      `${server.url}/api/v1/alerts/${id}`,
      TEST_ADMIN_TOKEN,
      {
        method: 'PATCH',
        body: JSON.stringify({ status: 'dismissed', reason: 'lab cluster' }),
      },
    );
    expect(changed.status).toBe(200);
    expect(changed.body.status).toBe('dismissed');
    expect(changed.body.statusChange.by).toBe('admin');
    expect(changed.body.statusChange.reason).toBe('lab cluster');

    const dismissed = await request(
      `${server.url}/api/v1/alerts?status=dismissed`,
      TEST_ADMIN_TOKEN,
    );
    expect(dismissed.body.items.map((a: { id: string }) => a.id)).toEqual([id]);
  });

  it('cluster list shows enrolment and sources', async () => {
    const list = await request(
      `${server.url}/api/v1/clusters`,
      TEST_ADMIN_TOKEN,
    );
    expect(list.status).toBe(200);
    const first = list.body.items.find(
      (c: { name: string }) => c.name === 'corpus-0',
    );
    expect(Date.parse(first.enrolledAt)).not.toBeNaN();
    expect(first.revokedAt).toBeNull();
    const audit = first.sources.find(
      (s: { source: string }) => s.source === 'k8s-audit',
    );
    expect(audit.events).toBeGreaterThan(0);
  });

  it('coverage shows the audit webhook connected', async () => {
    const coverage = await request(
      `${server.url}/api/v1/clusters/corpus-0/coverage`,
      TEST_ADMIN_TOKEN,
    );
    expect(coverage.status).toBe(200);
    const audit = coverage.body.sources.find(
      (s: { source: string }) => s.source === 'k8s-audit',
    );
    expect(audit.connected).toBe(true);
    const agent = coverage.body.sources.find(
      (s: { source: string }) => s.source === 'agent',
    );
    expect(agent.connected).toBe(false);
    const privileged = coverage.body.alertTypes.find(
      (t: { alertType: string }) => t.alertType === 'K8S_PrivilegedContainer',
    );
    expect(privileged.available).toBe(true);
  });
});
