import { describe, expect, it } from 'vitest';
import { jsonLine, safeText } from './safe-text.js';

const HIDDEN: [string, string][] = [
  ['ESC', '\u001b'],
  ['DEL', '\u007f'],
  ['8-bit CSI', '\u009b'],
  ['zero-width space', '\u200b'],
  ['right-to-left mark', '\u200f'],
  ['line separator', '\u2028'],
  ['paragraph separator', '\u2029'],
  ['right-to-left override', '\u202e'],
  ['word joiner', '\u2060'],
  ['first strong isolate', '\u2068'],
  ['byte order mark', '\ufeff'],
];

describe('safeText', () => {
  it.each(HIDDEN)('escapes the %s', (_name, c) => {
    const escaped = `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    expect(safeText(`pod${c}name`)).toBe(`pod${escaped}name`);
  });

  it('keeps other text as it is', () => {
    expect(safeText('nginx-7d9c • café 名前')).toBe('nginx-7d9c • café 名前');
  });
});

describe('jsonLine', () => {
  it.each(HIDDEN)('writes the %s as an escape', (_name, c) => {
    const line = jsonLine({ pod: `pod${c}name` });
    expect(line).not.toContain(c);
    expect(JSON.parse(line)).toEqual({ pod: `pod${c}name` });
  });

  it('writes one line', () => {
    expect(jsonLine({ a: 'x\ny', b: [1, 2] })).toBe('{"a":"x\\ny","b":[1,2]}');
  });
});
