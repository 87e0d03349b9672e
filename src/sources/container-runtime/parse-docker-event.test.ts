import { describe, expect, it } from 'vitest';
import { parseDockerEvent } from './parse-docker-event.js';

describe('parseDockerEvent', () => {
  it('reads Action and Actor', () => {
    // timeNano has more digits than a double keeps; milliseconds survive.
    const line =
      '{"Type":"container","Action":"exec_start: sh -c id",' +
      '"Actor":{"ID":"abc","Attributes":{"name":"demo","exitCode":3}},' +
      '"timeNano":1700000000123456789}';
    expect(parseDockerEvent(line)).toEqual({
      action: 'exec_start',
      detail: 'sh -c id',
      containerId: 'abc',
      attributes: { name: 'demo' },
      timeMs: 1_700_000_000_123,
    });
  });

  it('reads the legacy status and id', () => {
    const line = '{"status":"die","id":"abc","from":"nginx","time":1700000000}';
    expect(parseDockerEvent(line)).toMatchObject({
      action: 'die',
      containerId: 'abc',
      timeMs: 1_700_000_000_000,
    });
  });

  it('rejects invalid JSON', () => {
    expect(parseDockerEvent('{"Type":')).toBe('invalid JSON');
  });

  it('rejects an event without an id', () => {
    expect(parseDockerEvent('{"Type":"container","Action":"start"}')).toBe(
      'missing action or container id',
    );
  });
});
