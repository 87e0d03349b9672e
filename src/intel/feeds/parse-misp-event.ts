import type { IndicatorType } from '../indicator.js';
import {
  FeedCollector,
  type FeedParseOptions,
  type FeedParseResult,
} from './feed-result.js';
import { JsonLineIndex, jsonErrorLine } from './json-line-index.js';

/**
 * MISP attribute types the store can hold, with the type of each part of
 * a composite value (`domain|ip`, `ip-dst|port`, `filename|sha256`);
 * `null` marks a part that is not an indicator.
 */
const ATTRIBUTE_TYPES: Record<string, (IndicatorType | null)[]> = {
  'ip-dst': ['ipv4'],
  'ip-src': ['ipv4'],
  'ip-dst|port': ['ipv4', null],
  'ip-src|port': ['ipv4', null],
  domain: ['domain'],
  hostname: ['domain'],
  'domain|ip': ['domain', 'ipv4'],
  'hostname|port': ['domain', null],
  url: ['url'],
  md5: ['md5'],
  sha1: ['sha1'],
  sha256: ['sha256'],
  'filename|md5': [null, 'md5'],
  'filename|sha1': [null, 'sha1'],
  'filename|sha256': [null, 'sha256'],
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function eventsOf(document: unknown): Record<string, unknown>[] {
  // A bare event, {"Event": …}, a list of either, or a search response.
  if (Array.isArray(document)) return document.flatMap(eventsOf);
  if (!isRecord(document)) return [];
  if (Array.isArray(document.response)) return eventsOf(document.response);
  if (isRecord(document.Event)) return [document.Event];
  return Array.isArray(document.Attribute) || Array.isArray(document.Object)
    ? [document]
    : [];
}

function attributesOf(event: Record<string, unknown>): unknown[] {
  const attributes = Array.isArray(event.Attribute) ? [...event.Attribute] : [];
  const objects = Array.isArray(event.Object) ? event.Object : [];
  for (const object of objects) {
    if (isRecord(object) && Array.isArray(object.Attribute)) {
      attributes.push(...object.Attribute);
    }
  }
  return attributes;
}

/**
 * Read MISP events (the JSON of an event export or of a search). Every
 * attribute of the event and of its objects whose type is in
 * ATTRIBUTE_TYPES becomes an indicator, if MISP marks it for detection
 * (`to_ids`) and it is not deleted; others are counted as skipped.
 * IPv6 values of `ip-*` types are read as IPv6.
 */
export function parseMispEvent(
  text: string,
  options: FeedParseOptions,
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
  const events = eventsOf(document);
  if (events.length === 0) {
    feed.problem(
      1,
      'no MISP event found (expected Event, Attribute or Object)',
    );
    return feed.result;
  }
  const lines = new JsonLineIndex(text, 'uuid');
  for (const event of events) {
    for (const attribute of attributesOf(event)) {
      if (!isRecord(attribute)) continue;
      readAttribute(attribute, feed, lines.lineOf(attribute.uuid));
    }
  }
  return feed.result;
}

function readAttribute(
  attribute: Record<string, unknown>,
  feed: FeedCollector,
  line: number,
): void {
  const type = String(attribute.type);
  const parts = ATTRIBUTE_TYPES[type];
  if (!parts) {
    feed.skip(`${type} attribute`);
    return;
  }
  if (attribute.deleted === true) {
    feed.skip('deleted attribute');
    return;
  }
  if (attribute.to_ids === false) {
    feed.skip('attribute not for detection');
    return;
  }
  if (typeof attribute.value !== 'string') {
    feed.problem(line, `${type} attribute has no value`);
    return;
  }
  const values =
    parts.length > 1 ? attribute.value.split('|') : [attribute.value];
  if (values.length !== parts.length) {
    feed.problem(line, `${type} value does not have ${parts.length} parts`);
    return;
  }
  for (const [i, part] of parts.entries()) {
    if (part === null) continue;
    const value = values[i] as string;
    const family = part === 'ipv4' && value.includes(':') ? 'ipv6' : part;
    feed.value(value, line, undefined, family);
  }
}
