import {
  FeedCollector,
  type FeedParseOptions,
  type FeedParseResult,
} from './feed-result.js';

/**
 * Read a plain list: one value per line, with `#` and `;` starting a
 * comment anywhere on the line. This covers hand-written lists, Tor's
 * bulk exit list and Spamhaus DROP (`1.10.16.0/20 ; SBL256894`). Lines
 * of Tor's exit-addresses form (`ExitAddress 192.0.2.1 2024-02-01 …`)
 * give their address and the other records of that form are skipped.
 * A line with text after its value is reported, because a list with
 * several values per line is another format.
 */
export function parsePlainList(
  text: string,
  options: FeedParseOptions,
): FeedParseResult {
  const feed = new FeedCollector(options);
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = index + 1;
    const content = raw.replace(/[#;].*$/, '').trim();
    if (content === '') continue;

    const words = content.split(/\s+/);
    const [first = '', second] = words;
    if (TOR_RECORDS.has(first)) {
      feed.skip('tor descriptor record');
      continue;
    }
    if (first === 'ExitAddress' && second !== undefined) {
      feed.value(second, line);
      continue;
    }
    if (words.length > 1) {
      feed.problem(
        line,
        `more than one value on the line: ${JSON.stringify(content.slice(0, 80))}`,
      );
      continue;
    }
    feed.value(first, line);
  }
  return feed.result;
}

/** Records of Tor's exit-addresses form that carry no address. */
const TOR_RECORDS = new Set(['ExitNode', 'Published', 'LastStatus']);
