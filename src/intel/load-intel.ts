import {
  INTEL_CATEGORIES,
  type IntelCategory,
  isIntelCategory,
} from './categories.js';
import { readDefaultIntel } from './default-intel.js';
import { FeedDirectory } from './feed-directory.js';
import { parseFeed } from './feeds/parse-feed.js';
import type { IndicatorStore } from './indicator-store.js';
import { IndicatorStoreBuilder } from './indicator-store-builder.js';
import { readIntelFile } from './read-intel-file.js';
import { readStoredFeeds } from './read-stored-feeds.js';

/** One feed file given on the command line. */
export interface IntelFileSpec {
  file: string;
  category: IntelCategory;
}

/** A feed entry that could not be used, for `FILE:LINE: reason`. */
export interface IntelDiagnostic {
  file: string;
  line: number;
  reason: string;
}

/**
 * Parse `CATEGORY=FILE` or `FILE`; without a category, entries that do
 * not state one are filed under malicious. Throws with the categories
 * that exist when the category is unknown.
 */
export function parseIntelSpec(spec: string): IntelFileSpec {
  const at = spec.indexOf('=');
  const category = at > 0 ? spec.slice(0, at) : 'malicious';
  const file = at > 0 ? spec.slice(at + 1) : spec;
  if (!isIntelCategory(category)) {
    throw new Error(
      `unknown category ${JSON.stringify(category)}; expected one of ${INTEL_CATEGORIES.join(', ')}`,
    );
  }
  if (file === '') throw new Error('missing file after =');
  return { file, category };
}

export interface LoadIntelOptions {
  files: readonly IntelFileSpec[];
  /** Add the indicator set shipped in `intel/`. */
  includeDefault: boolean;
  /** Add the feeds `vigil intel load` stored under this data directory. */
  dataDir?: string;
  onDiagnostic?: (diagnostic: IntelDiagnostic) => void;
}

/**
 * Build one store from the shipped set, the feeds stored in a data
 * directory and the given feed files. Each file is read in the format
 * detected from its text and named after its path. Throws when a file
 * cannot be read; entries it cannot use go to onDiagnostic.
 */
export function loadIntel(options: LoadIntelOptions): IndicatorStore {
  const builder = new IndicatorStoreBuilder();
  if (options.includeDefault) {
    const shipped = readDefaultIntel();
    builder.addAll(shipped.indicators);
    for (const problem of shipped.problems) options.onDiagnostic?.(problem);
  }
  if (options.dataDir !== undefined) {
    builder.addAll(readStoredFeeds(new FeedDirectory(options.dataDir)));
  }
  for (const { file, category } of options.files) {
    const result = parseFeed(readIntelFile(file), { source: file, category });
    builder.addAll(result.indicators);
    for (const problem of result.problems) {
      options.onDiagnostic?.({ file, ...problem });
    }
    const unreported = result.problemCount - result.problems.length;
    if (unreported > 0) {
      options.onDiagnostic?.({
        file,
        line: 0,
        reason: `${unreported} more problems not shown`,
      });
    }
  }
  return builder.build();
}
