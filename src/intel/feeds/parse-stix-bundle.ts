import type { IntelCategory } from '../categories.js';
import type { IndicatorType } from '../indicator.js';
import {
  FeedCollector,
  type FeedParseOptions,
  type FeedParseResult,
} from './feed-result.js';
import { JsonLineIndex, jsonErrorLine } from './json-line-index.js';
import { parseStixPattern } from './stix-pattern.js';

/** Indicator types of STIX object paths the store can hold. */
const PATH_TYPES: Record<string, IndicatorType | undefined> = {
  'ipv4-addr:value': 'ipv4',
  'ipv6-addr:value': 'ipv6',
  'domain-name:value': 'domain',
  'url:value': 'url',
  'file:hashes.md5': 'md5',
  "file:hashes.'md5'": 'md5',
  "file:hashes.'sha-1'": 'sha1',
  'file:hashes.sha1': 'sha1',
  "file:hashes.'sha1'": 'sha1',
  "file:hashes.'sha-256'": 'sha256',
  'file:hashes.sha256': 'sha256',
  "file:hashes.'sha256'": 'sha256',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : [];
}

/**
 * The category of a STIX indicator: `anonymization` in its
 * indicator_types (or, in STIX 2.0, its labels) means an anonymising
 * proxy; `benign` means it lists nothing to alert on; every other type
 * takes the feed's category.
 */
function categoryOf(
  object: Record<string, unknown>,
  fallback: IntelCategory,
): IntelCategory | undefined {
  const types = [
    ...stringsOf(object.indicator_types),
    ...stringsOf(object.labels),
  ];
  if (types.includes('benign')) return undefined;
  if (types.includes('anonymization')) return 'anonymizing-proxy';
  return fallback;
}

/**
 * Read a STIX 2.x bundle (or one indicator object). Each indicator's
 * pattern is reduced to its comparisons (see parseStixPattern); each
 * comparison on an address, domain, URL or file hash becomes an
 * indicator. Patterns on other objects, and patterns the store cannot
 * express, are reported at the indicator's line. Revoked and expired
 * indicators, benign ones, and objects that are not indicators are
 * counted as skipped.
 */
export function parseStixBundle(
  text: string,
  options: FeedParseOptions,
  now = Date.now(),
): FeedParseResult {
  const feed = new FeedCollector(options);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    feed.problem(
      jsonErrorLine(text, error as Error),
      `invalid JSON: ${(error as Error).message}`,
    );
    return feed.result;
  }
  const objects =
    isRecord(document) && Array.isArray(document.objects)
      ? document.objects
      : [document];
  const lines = new JsonLineIndex(text, 'id');

  for (const object of objects) {
    if (!isRecord(object)) {
      feed.problem(1, 'bundle entry is not an object');
      continue;
    }
    if (object.type !== 'indicator') {
      feed.skip(`${String(object.type)} object`);
      continue;
    }
    readIndicator(object, feed, lines.lineOf(object.id), now);
  }
  return feed.result;
}

function readIndicator(
  object: Record<string, unknown>,
  feed: FeedCollector,
  line: number,
  now: number,
): void {
  if (object.revoked === true) {
    feed.skip('revoked indicator');
    return;
  }
  const until =
    typeof object.valid_until === 'string'
      ? Date.parse(object.valid_until)
      : NaN;
  if (until < now) {
    feed.skip('expired indicator');
    return;
  }
  const category = categoryOf(object, feed.options.category);
  if (!category) {
    feed.skip('benign indicator');
    return;
  }

  const patternType = object.pattern_type ?? 'stix';
  if (patternType !== 'stix') {
    feed.problem(
      line,
      `pattern_type ${JSON.stringify(patternType)} is not supported`,
    );
    return;
  }
  if (typeof object.pattern !== 'string') {
    feed.problem(line, 'indicator has no pattern');
    return;
  }
  const parsed = parseStixPattern(object.pattern);
  if (!parsed.ok) {
    feed.problem(line, `pattern cannot be used: ${parsed.reason}`);
    return;
  }
  for (const { path, value } of parsed.comparisons) {
    const type = PATH_TYPES[path.toLowerCase()];
    if (!type) {
      feed.problem(
        line,
        `object path ${JSON.stringify(path.slice(0, 80))} is not supported`,
      );
      continue;
    }
    feed.value(value, line, category, type);
  }
}
