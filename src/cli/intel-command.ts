import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseDuration } from '../engine/rule-schema.js';
import { INTEL_CATEGORIES } from '../intel/categories.js';
import { readDefaultIntel } from '../intel/default-intel.js';
import {
  type FeedDefinition,
  feedDefinitionSchema,
  isUrlSource,
} from '../intel/feed-definition.js';
import { FeedDirectory } from '../intel/feed-directory.js';
import { FEED_FORMATS } from '../intel/feeds/parse-feed.js';
import { INDICATOR_TYPES } from '../intel/indicator.js';
import type { IndicatorCounts } from '../intel/indicator-store.js';
import { IndicatorStoreBuilder } from '../intel/indicator-store-builder.js';
import { readStoredFeeds } from '../intel/read-stored-feeds.js';
import {
  type FeedRefreshReport,
  isRefreshDue,
  refreshFeed,
} from '../intel/refresh-feed.js';
import {
  type FeedRow,
  feedStatus,
  formatIntelFeeds,
} from './format-intel-feeds.js';
import { jsonLine, safeText } from './safe-text.js';

/** Exit status when a feed could not be loaded or refreshed. */
export const EXIT_FEED_FAILED = 2;
/** Exit status of `lookup` when no value is listed. */
export const EXIT_NOT_LISTED = 1;

interface LoadOptions {
  name: string;
  category: string;
  format: string;
  type?: string;
  column?: string;
  delimiter?: string;
  refresh: string;
  maxBytes?: string;
  dataDir: string;
}

function dataDirOption() {
  return new Option(
    '--data-dir <directory>',
    'data directory whose intel/ folder holds the feeds',
  ).default('./data');
}

function refreshSeconds(text: string): number {
  try {
    return Math.round(parseDuration(text) / 1000);
  } catch {
    throw new InvalidArgumentError('expected a duration such as 30m, 1h or 1d');
  }
}

function printReport(report: FeedRefreshReport, file: string): void {
  for (const problem of report.result.problems) {
    process.stderr.write(
      `${safeText(file)}:${problem.line}: ${safeText(problem.reason)}\n`,
    );
  }
  const hidden = report.result.problemCount - report.result.problems.length;
  if (hidden > 0)
    process.stderr.write(`${safeText(file)}: ${hidden} more problems\n`);
  const counts = Object.entries(report.state.counts)
    .map(([type, n]) => `${type} ${n}`)
    .join(', ');
  const kept =
    report.outcome === 'kept'
      ? `, kept last copy: ${report.state.lastError}`
      : '';
  process.stdout.write(
    `${safeText(report.name)}: ${report.outcome}, ${report.state.indicators} indicators (${counts}), ${report.state.problems} problems${safeText(kept)}\n`,
  );
}

async function load(source: string, options: LoadOptions) {
  const parsed = feedDefinitionSchema.safeParse({
    name: options.name,
    // A relative path would break refreshes from another directory.
    source: isUrlSource(source) ? source : resolve(source),
    format: options.format,
    category: options.category,
    type: options.type,
    column:
      options.column && /^\d+$/.test(options.column)
        ? Number(options.column)
        : options.column,
    delimiter: options.delimiter,
    refreshSeconds: refreshSeconds(options.refresh),
    maxBytes: options.maxBytes ? Number(options.maxBytes) : undefined,
  });
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    process.stderr.write(
      `vigil: invalid feed ${issue?.path.join('.')}: ${issue?.message}\n`,
    );
    process.exitCode = EXIT_FEED_FAILED;
    return;
  }
  const directory = new FeedDirectory(options.dataDir);
  try {
    const report = await refreshFeed(directory, parsed.data, { force: true });
    if (report.outcome === 'kept') throw new Error(report.state.lastError);
    directory.saveDefinition(parsed.data);
    printReport(report, source);
  } catch (error) {
    process.stderr.write(
      `vigil: cannot load ${safeText(source)}: ${safeText((error as Error).message)}\n`,
    );
    process.exitCode = EXIT_FEED_FAILED;
  }
}

function feedRows(directory: FeedDirectory, nowMs: number): FeedRow[] {
  const shipped = readDefaultIntel();
  const rows: FeedRow[] = shipped.feeds.map((feed) => ({
    name: feed.name,
    source: 'shipped with Vigil (intel/README.md)',
    category:
      shipped.indicators.find((i) => i.source === feed.name)?.category ?? '',
    counts: countTypes(
      shipped.indicators.filter((i) => i.source === feed.name),
    ),
    fetchedAt: `version ${shipped.version}`,
    status: 'ok',
  }));
  for (const definition of directory.definitions()) {
    const state = directory.state(definition.name);
    rows.push({
      name: definition.name,
      source: definition.source,
      category: definition.category,
      counts: state?.counts ?? {},
      fetchedAt: state?.fetchedAt,
      status: feedStatus(definition, state, nowMs),
    });
  }
  return rows;
}

function countTypes(indicators: { type: string }[]): IndicatorCounts {
  const counts: Record<string, number> = {};
  for (const { type } of indicators) counts[type] = (counts[type] ?? 0) + 1;
  return counts as IndicatorCounts;
}

function lookup(
  values: string[],
  options: { dataDir: string; json?: boolean; defaultIntel: boolean },
) {
  const builder = new IndicatorStoreBuilder();
  if (options.defaultIntel) builder.addAll(readDefaultIntel().indicators);
  builder.addAll(readStoredFeeds(new FeedDirectory(options.dataDir)));
  const store = builder.build();
  let listed = 0;
  for (const value of values) {
    const labels = store.labelsOf(value);
    if (labels.length > 0) listed++;
    if (options.json) {
      process.stdout.write(`${jsonLine({ value, matches: labels })}\n`);
      continue;
    }
    if (labels.length === 0) {
      process.stdout.write(`${safeText(value)}: not listed\n`);
    }
    for (const { category, source } of labels) {
      process.stdout.write(
        `${safeText(value)}: ${category} (${safeText(source)})\n`,
      );
    }
  }
  if (listed === 0) process.exitCode = EXIT_NOT_LISTED;
}

async function refresh(options: {
  dataDir: string;
  name?: string;
  force?: boolean;
}) {
  const directory = new FeedDirectory(options.dataDir);
  const definitions: FeedDefinition[] = directory
    .definitions()
    .filter((d) => (options.name ? d.name === options.name : true))
    .filter(
      (d) =>
        options.force ||
        options.name ||
        isRefreshDue(d, directory.state(d.name), Date.now()),
    );
  if (options.name && definitions.length === 0) {
    process.stderr.write(`vigil: no feed named ${safeText(options.name)}\n`);
    process.exitCode = EXIT_FEED_FAILED;
    return;
  }
  for (const definition of definitions) {
    try {
      const report = await refreshFeed(directory, definition, {
        force: options.force,
      });
      printReport(report, definition.source);
      if (report.outcome === 'kept') process.exitCode = EXIT_FEED_FAILED;
    } catch (error) {
      process.stderr.write(
        `vigil: cannot refresh ${safeText(definition.name)}: ${safeText((error as Error).message)}\n`,
      );
      process.exitCode = EXIT_FEED_FAILED;
    }
  }
}

/** `vigil intel load|list|lookup|refresh|remove`: manage intelligence feeds. */
export function intelCommand(): Command {
  const command = new Command('intel').description(
    'load, inspect and refresh threat-intelligence feeds',
  );

  command
    .command('load')
    .description(
      'validate a feed file or URL and store it in the data directory',
    )
    .argument('<source>', 'a file path or an http(s) URL')
    .requiredOption(
      '--name <name>',
      'feed name: lower-case letters, digits and -',
    )
    .addOption(
      new Option('--category <category>', 'category of entries that state none')
        .choices([...INTEL_CATEGORIES])
        .default('malicious'),
    )
    .addOption(
      new Option('--format <format>', 'feed format')
        .choices([...FEED_FORMATS])
        .default('auto'),
    )
    .addOption(
      new Option('--type <type>', 'read every value as this type').choices([
        ...INDICATOR_TYPES,
      ]),
    )
    .option(
      '--column <column>',
      'CSV: header name or 1-based number of the value column',
    )
    .option('--delimiter <char>', 'CSV: field delimiter (default , or |)')
    .option('--refresh <duration>', 'refresh interval of a URL feed', '1h')
    .option('--max-bytes <bytes>', 'largest download accepted (default 64 MiB)')
    .addOption(dataDirOption())
    .action(load);

  command
    .command('list')
    .description(
      'show the shipped set and stored feeds with counts and freshness',
    )
    .option('--json', 'print one JSON object per feed')
    .addOption(dataDirOption())
    .action((options: { dataDir: string; json?: boolean }) => {
      const rows = feedRows(new FeedDirectory(options.dataDir), Date.now());
      if (options.json) {
        for (const row of rows) process.stdout.write(`${jsonLine(row)}\n`);
      } else {
        process.stdout.write(`${formatIntelFeeds(rows, Date.now())}\n`);
      }
    });

  command
    .command('lookup')
    .description(
      'print the category and source of every feed that lists a value',
    )
    .argument('<values...>', 'addresses, domains, URLs, images or hashes')
    .option('--json', 'print one JSON object per value')
    .option(
      '--no-default-intel',
      'leave out the indicator set shipped with Vigil',
    )
    .addOption(dataDirOption())
    .action(lookup);

  command
    .command('refresh')
    .description('fetch URL feeds whose refresh interval has passed')
    .option('--name <name>', 'refresh only this feed, due or not')
    .option('--force', 'refresh every feed, without conditional requests')
    .addOption(dataDirOption())
    .action(refresh);

  command
    .command('remove')
    .description('forget a stored feed and its copy')
    .argument('<name>', 'feed name')
    .addOption(dataDirOption())
    .action((name: string, options: { dataDir: string }) => {
      if (!new FeedDirectory(options.dataDir).remove(name)) {
        process.stderr.write(`vigil: no feed named ${safeText(name)}\n`);
        process.exitCode = EXIT_FEED_FAILED;
      }
    });

  return command;
}
