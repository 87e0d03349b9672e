import type { IntelCategory } from './categories.js';

/** What kind of value an indicator lists. */
export const INDICATOR_TYPES = [
  'ipv4',
  'ipv6',
  'domain',
  'url',
  'image',
  'md5',
  'sha1',
  'sha256',
  'asn',
] as const;

export type IndicatorType = (typeof INDICATOR_TYPES)[number];

/**
 * One indicator in its normalized spelling: an address or CIDR range, a
 * domain, a URL, an image, a file hash or an autonomous system, with the
 * category it is listed under and the feed it came from.
 */
export interface Indicator {
  type: IndicatorType;
  value: string;
  category: IntelCategory;
  source: string;
}
