import { describe, expect, it } from 'vitest';
import {
  bodyLength,
  joinBody,
  parseBody,
  splitEventList,
} from './split-event-list.js';

function event(n: number, extra: object = {}) {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `id-${n}`,
    stage: 'ResponseComplete',
    verb: 'get',
    requestURI: `/api/v1/namespaces/default/pods/web-${n}`,
    user: { username: 'alice' },
    annotations: { note: 'é ☃ "},{\\"kind\\":\\"Event\\",' },
    ...extra,
  };
}

/** Returns an EventList text of `count` events, as the API server writes it. */
function eventListText(count: number, extra: object = {}): string {
  const items = Array.from({ length: count }, (_, n) => event(n, extra));
  return JSON.stringify({
    kind: 'EventList',
    apiVersion: 'audit.k8s.io/v1',
    metadata: {},
    items,
  });
}

describe('splitEventList', () => {
  it('parts parse to the whole value', () => {
    const text = eventListText(1000);
    const split = splitEventList(Buffer.from(text));
    if (!split) throw new Error('expected a split body');
    expect(split.runs.length).toBeGreaterThan(2);
    expect(parseBody(split)).toEqual(JSON.parse(text));
    expect(joinBody(split)).toBe(text);
    expect(bodyLength(split)).toBe(text.length);
  });

  it('runs stay near the run size', () => {
    const split = splitEventList(Buffer.from(eventListText(2000)));
    if (!split) throw new Error('expected a split body');
    const longest = Math.max(...split.runs.map((run) => run.length));
    expect(longest).toBeLessThan(80 * 1024);
  });

  it('small body is left whole', () => {
    expect(splitEventList(Buffer.from(eventListText(3)))).toBeUndefined();
  });

  it('body not ending with the items is left whole', () => {
    const text = `${eventListText(1000).slice(0, -1)},"more":1}`;
    expect(splitEventList(Buffer.from(text))).toBeUndefined();
  });

  it('cut inside an event falls back to the whole', () => {
    // Each event contains a list of events, so some cuts fall inside one.
    const nested = {
      responseObject: { items: [event(-1), event(-2), event(-3)] },
    };
    const text = eventListText(300, nested);
    const split = splitEventList(Buffer.from(text));
    if (!split) throw new Error('expected a split body');
    const unparsable = split.runs.filter((run) => {
      try {
        JSON.parse(`[${run}]`);
        return false;
      } catch {
        return true;
      }
    });
    expect(unparsable.length).toBeGreaterThan(0);
    expect(parseBody(split)).toEqual(JSON.parse(text));
  });

  it('invalid JSON throws the whole body error', () => {
    const text = eventListText(1000).replace('"id-500"', '"id-500"x');
    const split = splitEventList(Buffer.from(text));
    if (!split) throw new Error('expected a split body');
    let expected = '';
    try {
      JSON.parse(text);
    } catch (error) {
      expected = (error as Error).message;
    }
    expect(expected).not.toBe('');
    expect(() => parseBody(split)).toThrow(expected);
  });

  it('items match inside another key is left whole', () => {
    // The events sit under a key named `"items`, and items stays empty.
    const events = JSON.parse(eventListText(1000)).items;
    const text = `{"kind":"EventList","items" : [],"\\"items":${JSON.stringify(events)}}`;
    expect((JSON.parse(text) as { items: unknown[] }).items).toEqual([]);
    expect(splitEventList(Buffer.from(text))).toBeUndefined();
  });
});
