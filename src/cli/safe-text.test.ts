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
  ['soft hyphen', '\u00ad'],
  ['Arabic letter mark', '\u061c'],
  ['Mongolian vowel separator', '\u180e'],
  ['inhibit symmetric swapping', '\u206a'],
  ['interlinear annotation anchor', '\ufff9'],
  ['tag letter A', '\u{e0041}'],
];

function escapes(c: string): string {
  return [...Array(c.length).keys()]
    .map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`)
    .join('');
}

describe('safeText', () => {
  it.each(HIDDEN)('escapes the %s', (_name, c) => {
    expect(safeText(`pod${c}name`)).toBe(`pod${escapes(c)}name`);
  });

  it('keeps other text as it is', () => {
    expect(safeText('nginx-7d9c • café 名前 😀')).toBe(
      'nginx-7d9c • café 名前 😀',
    );
  });
});

describe('jsonLine', () => {
  it.each(HIDDEN)('writes the %s as an escape', (_name, c) => {
    const line = jsonLine({ pod: `pod${c}name` });
    expect(line).toBe(`{"pod":"pod${escapes(c)}name"}`);
    expect(JSON.parse(line)).toEqual({ pod: `pod${c}name` });
  });

  it('writes one line', () => {
    expect(jsonLine({ a: 'x\ny', b: [1, 2] })).toBe('{"a":"x\\ny","b":[1,2]}');
  });
});
