import { z } from 'zod';
import { INTEL_CATEGORIES } from './categories.js';
import { FEED_FORMATS } from './feeds/parse-feed.js';
import { INDICATOR_TYPES } from './indicator.js';
import { MAX_FEED_BYTES } from './read-intel-file.js';

/** Refresh interval of URL feeds that name none, in seconds. */
export const DEFAULT_REFRESH_SECONDS = 3600;
/** Shortest refresh interval accepted, in seconds. */
export const MIN_REFRESH_SECONDS = 60;

/** One feed that `vigil intel load` stored, as feeds.json keeps it. */
export const feedDefinitionSchema = z.strictObject({
  /** Lower-case letters, digits and `-`; the feed's file names use it. */
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  /** An http(s) URL, refreshed on an interval, or a local path. */
  source: z.string().min(1),
  format: z.enum(FEED_FORMATS),
  category: z.enum(INTEL_CATEGORIES),
  type: z.enum(INDICATOR_TYPES).optional(),
  column: z.union([z.string().min(1), z.number().int().min(1)]).optional(),
  delimiter: z.string().length(1).optional(),
  refreshSeconds: z
    .number()
    .int()
    .min(MIN_REFRESH_SECONDS)
    .default(DEFAULT_REFRESH_SECONDS),
  maxBytes: z
    .number()
    .int()
    .min(1)
    .max(MAX_FEED_BYTES)
    .default(64 * 1024 * 1024),
});

export type FeedDefinition = z.infer<typeof feedDefinitionSchema>;

/** What the last load or refresh of a feed left, as NAME.state.json. */
export const feedStateSchema = z.strictObject({
  etag: z.string().optional(),
  lastModified: z.string().optional(),
  /** When the stored copy was downloaded or read, ISO 8601. */
  fetchedAt: z.string(),
  /** When the source was last asked, successfully or not. */
  checkedAt: z.string(),
  indicators: z.number().int().min(0),
  counts: z.partialRecord(z.enum(INDICATOR_TYPES), z.number().int().min(0)),
  problems: z.number().int().min(0),
  /** Why the last refresh kept the stored copy, if it did. */
  lastError: z.string().optional(),
});

export type FeedState = z.infer<typeof feedStateSchema>;

/** True when a feed's source is a URL rather than a file. */
export function isUrlSource(source: string): boolean {
  return /^https?:\/\//i.test(source);
}
