import { describe, expect, it } from 'vitest';
import { prepareBody, summarizeBody } from './body-summary.js';

function event(id: string, time: string, extra: object = {}) {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: id,
    stage: 'ResponseComplete',
    verb: 'get',
    requestURI: '/api/v1/namespaces/default/pods/web',
    user: { username: 'alice' },
    objectRef: { resource: 'pods', namespace: 'default', name: 'web' },
    requestReceivedTimestamp: time,
    stageTimestamp: time,
    ...extra,
  };
}

const list = (items: unknown[]) =>
  JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items });

describe('summarizeBody', () => {
  it('summarizes events by position', () => {
    const body = list([
      event('a', '2026-12-04T10:00:00Z'),
      'not an event',
      event('b', '2026-12-04T10:00:01Z'),
    ]);
    const result = summarizeBody(body, 'prod', 1 << 20);
    if (!('summary' in result)) throw new Error('expected a summary');
    expect(result.summary.keys).toEqual([
      '["a","ResponseComplete"]',
      '["b","ResponseComplete"]',
    ]);
    expect(result.summary.timesMs).toEqual([
      Date.parse('2026-12-04T10:00:00Z'),
      Date.parse('2026-12-04T10:00:01Z'),
    ]);
    expect(result.summary.problems).toHaveLength(1);
    expect(result.summary.eventList).toBe(true);
    expect(result.events.map((e) => e.cluster)).toEqual(['prod', 'prod']);
  });

  it('reports invalid JSON', () => {
    const result = summarizeBody('{"items":[', 'prod', 1 << 20);
    expect(result).toEqual({ invalidJson: expect.stringMatching(/JSON/) });
  });

  it('marks events past the size limit', () => {
    const small = event('s', '2026-12-04T10:00:00Z');
    const big = event('b', '2026-12-04T10:00:00Z', {
      annotations: { padding: 'x'.repeat(4000) },
    });
    const result = summarizeBody(list([small, big]), 'prod', 2000);
    if (!('summary' in result)) throw new Error('expected a summary');
    expect(result.summary.tooLarge).toEqual([1]);
  });
});

describe('summarizeBody near the size limit', () => {
  it('event grown past the limit is marked', () => {
    // Normalizing repeats the 1,000-character audit ID as the event's id.
    const id = 'a'.repeat(1000);
    const padded = (bytes: number) =>
      event(id, '2026-12-04T10:00:00Z', {
        annotations: { padding: 'x'.repeat(bytes) },
      });
    const max = 20_000;
    const body = list([padded(max - 1500)]);
    expect(Buffer.byteLength(body)).toBeLessThan(max);
    const result = summarizeBody(body, 'prod', max);
    if (!('summary' in result)) throw new Error('expected a summary');
    const [normalized] = result.events;
    expect(Buffer.byteLength(JSON.stringify(normalized))).toBeGreaterThan(max);
    expect(result.summary.tooLarge).toEqual([0]);
  });
});

describe('prepareBody', () => {
  it('counts out early and large events', () => {
    const prepared = prepareBody(
      {
        timesMs: [1000, 5000, 6000, 7000],
        keys: ['k0', 'k1', 'k2', 'k3'],
        tooLarge: [2],
        problems: [],
        eventList: true,
      },
      5000,
    );
    expect(prepared.beforeEnrolment).toBe(1);
    expect(prepared.tooLarge).toBe(1);
    expect(prepared.candidates).toEqual([
      { index: 1, key: 'k1' },
      { index: 3, key: 'k3' },
    ]);
  });

  it('counts out events already detected', () => {
    const prepared = prepareBody(
      {
        timesMs: [5000, 5000, 5000],
        keys: ['k0', 'k1', 'k2'],
        tooLarge: [],
        repeats: [0, 2],
        problems: [],
        eventList: true,
      },
      5000,
    );
    expect(prepared.duplicates).toBe(2);
    expect(prepared.candidates).toEqual([{ index: 1, key: 'k1' }]);
  });
});
