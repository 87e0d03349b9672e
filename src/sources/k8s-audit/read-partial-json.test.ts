import { describe, expect, it } from 'vitest';
import { readPartialJson } from './read-partial-json.js';

describe('readPartialJson', () => {
  it('keeps members before a cut string', () => {
    const result = readPartialJson(
      '{"verb":"create","user":{"username":"a"},"requestURI":"/api/v1/na',
    );
    expect(result?.cut).toBe(true);
    expect({ ...result?.members }).toEqual({
      verb: 'create',
      user: { username: 'a' },
    });
  });

  it('drops a nested object cut mid-way', () => {
    const result = readPartialJson(
      '{"auditID":"x","requestObject":{"spec":{"containers":[{"name":"a"',
    );
    expect(result?.cut).toBe(true);
    expect({ ...result?.members }).toEqual({ auditID: 'x' });
  });

  it('treats a trailing number as cut', () => {
    const result = readPartialJson('{"a":"b","code":20');
    expect({ ...result?.members }).toEqual({ a: 'b' });
  });

  it('handles escapes and brackets in strings', () => {
    const result = readPartialJson('{"a":"x\\"}]{","b":[1,"]"],"c":');
    expect({ ...result?.members }).toEqual({ a: 'x"}]{', b: [1, ']'] });
  });

  it('reports a complete object as not cut', () => {
    expect(readPartialJson('{"a":1}')?.cut).toBe(false);
  });

  it('rejects text that is not a cut object', () => {
    expect(readPartialJson('[1,2')).toBeUndefined();
    expect(readPartialJson('{"a":1 "b":2')).toBeUndefined();
    expect(readPartialJson('{"a":nope,"b":')).toBeUndefined();
  });

  it('keeps a __proto__ member as data', () => {
    const members = readPartialJson('{"__proto__":{"x":1},"b":')?.members;
    expect(Object.getPrototypeOf(members)).toBeNull();
    const own = Object.getOwnPropertyDescriptor(members, '__proto__');
    expect(own?.value).toEqual({ x: 1 });
  });
});
