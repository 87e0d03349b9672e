import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { INTEL_CATEGORIES } from './categories.js';
import type { FeedProblem } from './feeds/feed-result.js';
import { FEED_FORMATS, parseFeed } from './feeds/parse-feed.js';
import type { Indicator } from './indicator.js';
import { readIntelFile } from './read-intel-file.js';

const manifestSchema = z.strictObject({
  version: z.string().min(1),
  feeds: z.array(
    z.strictObject({
      name: z.string().regex(/^[a-z0-9-]+$/),
      file: z.string().regex(/^[A-Za-z0-9._-]+$/),
      format: z.enum(FEED_FORMATS),
      category: z.enum(INTEL_CATEGORIES),
      origin: z.string().min(1),
    }),
  ),
});

/** The indicator set shipped with Vigil, as read from `intel/`. */
export interface DefaultIntel {
  version: string;
  feeds: { name: string; indicators: number; origin: string }[];
  indicators: Indicator[];
  problems: (FeedProblem & { file: string })[];
}

/**
 * The `intel/` folder at the package root, found from this module
 * whether it runs from src/ or from the build in dist/.
 */
export function defaultIntelDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'intel', 'manifest.json');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) {
      return join(dir, 'intel');
    }
    dir = dirname(dir);
  }
  throw new Error('the intel/ folder of the Vigil package was not found');
}

/**
 * Read the shipped indicator set: `manifest.json` names each feed file,
 * its format and category. Each feed's name is its indicators' source.
 */
export function readDefaultIntel(dir = defaultIntelDir()): DefaultIntel {
  const manifest = manifestSchema.parse(
    JSON.parse(readIntelFile(join(dir, 'manifest.json'))),
  );
  const result: DefaultIntel = {
    version: manifest.version,
    feeds: [],
    indicators: [],
    problems: [],
  };
  for (const feed of manifest.feeds) {
    const path = join(dir, feed.file);
    const parsed = parseFeed(readIntelFile(path), {
      source: feed.name,
      category: feed.category,
      format: feed.format,
    });
    result.indicators.push(...parsed.indicators);
    result.problems.push(...parsed.problems.map((p) => ({ ...p, file: path })));
    result.feeds.push({
      name: feed.name,
      indicators: parsed.indicators.length,
      origin: feed.origin,
    });
  }
  return result;
}
