import Table from 'cli-table3';
import type { FeedDefinition, FeedState } from '../intel/feed-definition.js';
import type { IndicatorCounts } from '../intel/indicator-store.js';
import { safeText } from './safe-text.js';

/** One row of `vigil intel list`. */
export interface FeedRow {
  name: string;
  source: string;
  category: string;
  counts: IndicatorCounts;
  /** When the copy in use was fetched, or the shipped set's version. */
  fetchedAt?: string;
  status: string;
}

function age(iso: string | undefined, nowMs: number): string {
  if (!iso) return '';
  const seconds = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  if (seconds < 120) return `${seconds}s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m ago`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h ago`;
  return `${Math.round(seconds / 86_400)}d ago`;
}

/**
 * Describe a stored feed's freshness: `error: …` when its last refresh
 * failed, `stale` when a URL feed was not fetched for two intervals,
 * else `ok`.
 */
export function feedStatus(
  definition: FeedDefinition,
  state: FeedState | undefined,
  nowMs: number,
): string {
  if (!state) return 'not loaded';
  if (state.lastError) return `error: ${state.lastError}`;
  const fetchedMs = Date.parse(state.fetchedAt);
  const isUrl = /^https?:/i.test(definition.source);
  return isUrl && nowMs - fetchedMs > 2 * definition.refreshSeconds * 1000
    ? 'stale'
    : 'ok';
}

function countsText(counts: IndicatorCounts): string {
  const parts = Object.entries(counts).map(([type, n]) => `${type} ${n}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** Render feeds as a table; every value goes through safeText. */
export function formatIntelFeeds(rows: readonly FeedRow[], nowMs: number) {
  const table = new Table({
    head: ['feed', 'category', 'indicators', 'fetched', 'status', 'source'],
    // No colours: the table often goes to a pipe or a file.
    style: { head: [], border: [] },
    wordWrap: true,
  });
  for (const row of rows) {
    const fetched = row.fetchedAt?.includes('T')
      ? age(row.fetchedAt, nowMs)
      : (row.fetchedAt ?? '');
    table.push(
      [
        row.name,
        row.category,
        countsText(row.counts),
        fetched,
        row.status,
        row.source,
      ].map((cell) => safeText(cell)),
    );
  }
  return table.toString();
}
