import { describe, expect, it } from 'vitest';
import { anyPrefixIgnoringCase } from './prefix-match.js';

const NEEDLES = ['kube-hunter', 'kubiscan', 'kdigger', 'cdk', 'botb', 'k'];

/** Lowers as much of the value as the needles reach, then compares. */
function reference(needles: string[], value: string): boolean {
  const reach = Math.max(...needles.map((needle) => needle.length));
  const lowered = value.slice(0, reach).toLowerCase();
  return needles.some((needle) => lowered.startsWith(needle));
}

const VALUES = [
  '',
  'k',
  'K',
  'kube-hunter',
  'Kube-Hunter/1.0',
  'KUBE-HUNTER',
  'kubelet/v1.30.2 (linux/amd64) kubernetes/3968350',
  'CDK/1.5',
  'cd',
  'xcdk',
  'BOTB',
  'botnet',
  // The Kelvin sign lowers to the letter k.
  '\u212Aube-hunter',
  '\u212A',
  'kdigge\u212A',
  // Dotted capital I lowers to two characters.
  '\u0130kube',
  'cd\u0130',
  // Capital sigma lowers by its place in the word.
  '\u03a3\u03a3\u0391',
  'Mozilla/5.0',
  '\u00e9tcd',
];

describe('anyPrefixIgnoringCase', () => {
  it.each(VALUES)('matches lowering for %j', (value) => {
    const test = anyPrefixIgnoringCase(NEEDLES.slice(0, 5));
    expect(test(value)).toBe(reference(NEEDLES.slice(0, 5), value));
  });

  it.each(VALUES)(
    'matches lowering with a one-letter needle for %j',
    (value) => {
      const test = anyPrefixIgnoringCase(NEEDLES);
      expect(test(value)).toBe(reference(NEEDLES, value));
    },
  );

  it('lowers sigma as the value slice does', () => {
    const needles = ['\u03c3\u03c2', '\u03c3\u03c3'];
    const test = anyPrefixIgnoringCase(needles);
    for (const value of ['\u03a3\u03a3', '\u03a3\u03a3\u0391']) {
      expect(test(value)).toBe(reference(needles, value));
    }
  });

  it('finds a needle that only lowering reaches', () => {
    const test = anyPrefixIgnoringCase(['i\u0307k']);
    expect(test('\u0130K')).toBe(true);
    expect(test('\u0130K')).toBe(reference(['i\u0307k'], '\u0130K'));
  });

  it('matches every value with an empty needle', () => {
    expect(anyPrefixIgnoringCase(['x', ''])('anything')).toBe(true);
  });
});
