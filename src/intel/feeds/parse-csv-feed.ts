import { parse } from 'csv-parse/sync';
import {
  FeedCollector,
  type FeedParseOptions,
  type FeedParseResult,
  quote,
} from './feed-result.js';

/** Where the value is in each CSV row. */
export interface CsvFeedOptions extends FeedParseOptions {
  /** A header name (`dst_ip`) or a 1-based column number. */
  column: string | number;
  /** One character; `,` by default. Dataplane lists use `|`. */
  delimiter?: string;
}

/**
 * Read a CSV feed: `#` lines are comments (the banner abuse.ch writes),
 * fields may be quoted, and fields are trimmed. When `column` is a name,
 * the first row is the header and must contain it; when it is a number,
 * every row is data. Rows without the column are reported.
 */
export function parseCsvFeed(
  text: string,
  options: CsvFeedOptions,
): FeedParseResult {
  const feed = new FeedCollector(options);
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, {
      comment: '#',
      comment_no_infix: true,
      delimiter: options.delimiter ?? ',',
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as typeof rows;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    feed.problem(line, `invalid CSV: ${(error as Error).message}`);
    return feed.result;
  }

  let index = typeof options.column === 'number' ? options.column - 1 : -1;
  for (const { record, info } of rows) {
    if (index < 0) {
      index = record.indexOf(options.column as string);
      if (index < 0) {
        feed.problem(
          info.lines,
          `header has no column ${quote(String(options.column))}`,
        );
        return feed.result;
      }
      continue;
    }
    const value = record[index];
    if (value === undefined || value === '') {
      feed.problem(info.lines, `row has no column ${index + 1}`);
      continue;
    }
    feed.value(value, info.lines);
  }
  return feed.result;
}
