import type { FeedDefinition, FeedState } from './feed-definition.js';
import { isUrlSource } from './feed-definition.js';
import type { FeedDirectory } from './feed-directory.js';
import type { FeedParseResult } from './feeds/feed-result.js';
import { parseFeed } from './feeds/parse-feed.js';
import { fetchFeed } from './fetch-feed.js';
import type { IndicatorCounts } from './indicator-store.js';
import { readIntelFile } from './read-intel-file.js';

/** What one load or refresh of a feed did. */
export interface FeedRefreshReport {
  name: string;
  /** `updated`: a new copy is stored; `unchanged`: the source sent 304. */
  outcome: 'updated' | 'unchanged' | 'kept';
  state: FeedState;
  /** The parse of the copy now stored. */
  result: FeedParseResult;
}

export interface RefreshOptions {
  /** Ask without validators, so the source sends the whole feed. */
  force?: boolean;
  now?: () => Date;
  timeoutMs?: number;
}

/** Parse one feed's text with its definition's settings. */
export function parseStoredFeed(
  definition: FeedDefinition,
  text: string,
): FeedParseResult {
  return parseFeed(text, {
    source: definition.name,
    category: definition.category,
    type: definition.type,
    format: definition.format,
    column: definition.column,
    delimiter: definition.delimiter,
  });
}

function countsOf(result: FeedParseResult): IndicatorCounts {
  const counts: IndicatorCounts = {};
  for (const { type } of result.indicators) {
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

/**
 * Load or refresh one feed into the directory. A URL is asked with a
 * conditional request, a path is read again. A new copy replaces the
 * stored one only when it parses into at least one indicator, so a
 * broken download never empties a feed; when the source fails or sends
 * nothing usable, the last good copy stays and the state records why.
 * Throws only when there is no good copy at all.
 */
export async function refreshFeed(
  directory: FeedDirectory,
  definition: FeedDefinition,
  options: RefreshOptions = {},
): Promise<FeedRefreshReport> {
  const now = (options.now ?? (() => new Date()))().toISOString();
  const previous = directory.state(definition.name);
  const stored = previous ? directory.readCopy(definition.name) : undefined;
  const keep = (reason: string): FeedRefreshReport => {
    if (!previous || stored === undefined) throw new Error(reason);
    const state = { ...previous, checkedAt: now, lastError: reason };
    directory.writeState(definition.name, state);
    return {
      name: definition.name,
      outcome: 'kept',
      state,
      result: parseStoredFeed(definition, stored),
    };
  };

  let body: Buffer;
  let validators: Pick<FeedState, 'etag' | 'lastModified'> = {};
  try {
    if (isUrlSource(definition.source)) {
      const fetched = await fetchFeed(definition.source, {
        etag: options.force ? undefined : previous?.etag,
        lastModified: options.force ? undefined : previous?.lastModified,
        maxBytes: definition.maxBytes,
        timeoutMs: options.timeoutMs,
      });
      if (fetched.status === 'not-modified') {
        if (!previous || stored === undefined) {
          throw new Error(
            'source returned 304 Not Modified but no copy is stored',
          );
        }
        const { lastError: _, ...rest } = previous;
        const state = { ...rest, checkedAt: now };
        directory.writeState(definition.name, state);
        return {
          name: definition.name,
          outcome: 'unchanged',
          state,
          result: parseStoredFeed(definition, stored),
        };
      }
      body = fetched.body;
      validators = { etag: fetched.etag, lastModified: fetched.lastModified };
    } else {
      body = Buffer.from(readIntelFile(definition.source, definition.maxBytes));
    }
  } catch (error) {
    return keep((error as Error).message);
  }

  const result = parseStoredFeed(definition, body.toString('utf8'));
  if (result.indicators.length === 0) {
    return keep(
      `new copy has no usable indicator (${result.problemCount} problems)`,
    );
  }
  directory.writeCopy(definition.name, body);
  const state: FeedState = {
    ...Object.fromEntries(
      Object.entries(validators).filter(([, v]) => v !== undefined),
    ),
    fetchedAt: now,
    checkedAt: now,
    indicators: result.indicators.length,
    counts: countsOf(result),
    problems: result.problemCount,
  };
  directory.writeState(definition.name, state);
  return { name: definition.name, outcome: 'updated', state, result };
}

/** True when a URL feed's interval has passed since it was last asked. */
export function isRefreshDue(
  definition: FeedDefinition,
  state: FeedState | undefined,
  nowMs: number,
): boolean {
  if (!isUrlSource(definition.source)) return false;
  if (!state) return true;
  return (
    nowMs - Date.parse(state.checkedAt) >= definition.refreshSeconds * 1000
  );
}
