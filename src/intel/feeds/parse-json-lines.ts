import {
  FeedCollector,
  type FeedParseOptions,
  type FeedParseResult,
} from './feed-result.js';

/** Fields that carry the value in a JSON-lines feed, in order of use. */
const VALUE_FIELDS = ['cidr', 'ip', 'indicator', 'value', 'domain', 'url'];

/**
 * Read a feed of one JSON object per line, as Spamhaus publishes DROP
 * (`{"cidr": "1.10.16.0/20", "sblid": …}`) and ASN-DROP
 * (`{"asn": 932, …}`). The value is the first of VALUE_FIELDS present,
 * or the AS number. A line of `"type": "metadata"` is skipped.
 */
export function parseJsonLines(
  text: string,
  options: FeedParseOptions,
): FeedParseResult {
  const feed = new FeedCollector(options);
  for (const [index, raw] of text.split('\n').entries()) {
    const line = index + 1;
    const content = raw.trim();
    if (content === '' || content.startsWith('#')) continue;

    let record: unknown;
    try {
      record = JSON.parse(content);
    } catch (error) {
      feed.problem(line, `invalid JSON: ${(error as Error).message}`);
      continue;
    }
    if (
      typeof record !== 'object' ||
      record === null ||
      Array.isArray(record)
    ) {
      feed.problem(line, 'expected a JSON object');
      continue;
    }
    const fields = record as Record<string, unknown>;
    if (fields.type === 'metadata') {
      feed.skip('metadata record');
      continue;
    }
    if (typeof fields.asn === 'number' || typeof fields.asn === 'string') {
      feed.value(`AS${fields.asn}`, line, undefined, 'asn');
      continue;
    }
    const field = VALUE_FIELDS.find((f) => typeof fields[f] === 'string');
    if (!field) {
      feed.problem(line, `no value field (${VALUE_FIELDS.join(', ')}, asn)`);
      continue;
    }
    feed.value(fields[field] as string, line);
  }
  return feed.result;
}
