import { readFileSync } from 'node:fs';
import type { Indicator } from './static-intel.js';

/**
 * Read a plain indicator list: one value per line (an address, a CIDR
 * range, a domain or an image), with `#` and `;` starting comments, as
 * Tor exit lists and DROP-style lists are written. Blank lines are
 * skipped; the first word of each line is the value.
 */
export function readIndicatorList(file: string, category: string): Indicator[] {
  const indicators: Indicator[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const value = line
      .replace(/[#;].*$/, '')
      .trim()
      .split(/\s+/)[0];
    if (value) indicators.push({ value, category });
  }
  return indicators;
}
