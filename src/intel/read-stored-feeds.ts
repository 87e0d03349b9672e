import type { FeedDirectory } from './feed-directory.js';
import type { Indicator } from './indicator.js';
import { parseStoredFeed } from './refresh-feed.js';

/**
 * Parse the last good copy of every feed stored in a directory into
 * indicators. A feed without a copy contributes nothing.
 */
export function readStoredFeeds(directory: FeedDirectory): Indicator[] {
  const indicators: Indicator[] = [];
  for (const definition of directory.definitions()) {
    const text = directory.readCopy(definition.name);
    if (text === undefined) continue;
    indicators.push(...parseStoredFeed(definition, text).indicators);
  }
  return indicators;
}
