import { describe, expect, it } from 'vitest';
import { compileGetter, parseFieldPath } from './field-path.js';

describe('parseFieldPath', () => {
  it('splits dotted keys', () => {
    expect(parseFieldPath('a.b.c')).toEqual(['a', 'b', 'c']);
  });
  it('keeps a bracketed key whole', () => {
    expect(parseFieldPath('labels[app.kubernetes.io/name].x')).toEqual([
      'labels',
      'app.kubernetes.io/name',
      'x',
    ]);
  });
  it.each(['', 'a..b', 'a.', '[]', 'a[b'])('rejects %j', (path) => {
    expect(() => parseFieldPath(path)).toThrow(/invalid field path/);
  });
});

describe('compileGetter', () => {
  it('reads nested values and array indexes', () => {
    const get = compileGetter('spec.containers.1.name');
    const pod = { spec: { containers: [{ name: 'a' }, { name: 'b' }] } };
    expect(get(pod)).toBe('b');
  });
  it('ignores inherited properties', () => {
    expect(compileGetter('constructor')({})).toBeUndefined();
    expect(compileGetter('a.__proto__')({ a: {} })).toBeUndefined();
  });
  it('returns undefined through scalars', () => {
    expect(compileGetter('a.b')({ a: 'text' })).toBeUndefined();
  });
});
