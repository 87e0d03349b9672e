import {
  FeedCollector,
  type FeedParseOptions,
  type FeedParseResult,
} from './feed-result.js';
import { parseCsvFeed } from './parse-csv-feed.js';
import { parseJsonLines } from './parse-json-lines.js';
import { parseMispEvent } from './parse-misp-event.js';
import { parsePlainList } from './parse-plain-list.js';
import { parseStixBundle } from './parse-stix-bundle.js';

/** Feed formats; `auto` detects one from the text. */
export const FEED_FORMATS = [
  'auto',
  'plain',
  'csv',
  'json-lines',
  'stix',
  'misp',
] as const;

export type FeedFormat = (typeof FEED_FORMATS)[number];

/** How to read one feed, whatever its format. */
export interface FeedReadOptions extends FeedParseOptions {
  format?: FeedFormat;
  /** CSV only: the header name or 1-based number of the value column. */
  column?: string | number;
  /** CSV only: the field delimiter. */
  delimiter?: string;
}

function firstDataLine(text: string): string {
  for (const line of text.split('\n', 200)) {
    const content = line.trim();
    if (
      content !== '' &&
      !content.startsWith('#') &&
      !content.startsWith(';')
    ) {
      return content;
    }
  }
  return '';
}

/**
 * Detect a feed's format: JSON with `objects` or `type` is STIX and with
 * `Event`, `Attribute` or `response` is MISP; one JSON object per line is
 * JSON lines; a first data line with a comma or `|` between fields is CSV;
 * anything else is a plain list.
 */
export function detectFeedFormat(text: string): Exclude<FeedFormat, 'auto'> {
  const first = firstDataLine(text);
  if (first.startsWith('{') || first.startsWith('[')) {
    const head = text.slice(0, 4096);
    if (
      /"(objects|pattern)"\s*:/.test(head) ||
      /"type"\s*:\s*"(bundle|indicator)"/.test(head)
    ) {
      return 'stix';
    }
    if (/"(Event|Attribute|response)"\s*:/.test(head)) return 'misp';
    return 'json-lines';
  }
  return /[,|]/.test(first) ? 'csv' : 'plain';
}

/** Parse one feed's text in its format, reporting what it cannot use. */
export function parseFeed(
  text: string,
  options: FeedReadOptions,
): FeedParseResult {
  const format =
    !options.format || options.format === 'auto'
      ? detectFeedFormat(text)
      : options.format;
  switch (format) {
    case 'plain':
      return parsePlainList(text, options);
    case 'json-lines':
      return parseJsonLines(text, options);
    case 'stix':
      return parseStixBundle(text, options);
    case 'misp':
      return parseMispEvent(text, options);
    case 'csv': {
      if (options.column === undefined) {
        const feed = new FeedCollector(options);
        feed.problem(
          1,
          'a CSV feed needs its value column (--column NAME or NUMBER)',
        );
        return feed.result;
      }
      const delimiter =
        options.delimiter ?? (firstDataLine(text).includes('|') ? '|' : ',');
      return parseCsvFeed(text, {
        ...options,
        column: options.column,
        delimiter,
      });
    }
  }
}
