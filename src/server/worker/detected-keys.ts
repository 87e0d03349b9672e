import type { IngestQueue } from '../../store/ingest-queue.js';
import { RetryKeyCache } from '../ingest/retry-key-cache.js';

/**
 * The retry keys of events that the detection worker has processed: the
 * durable `ingest_seen` table, with an in-memory cache in front of it.
 * The cache is filled from the table at start. While it is complete, a
 * key missing from it was not processed, so the table is not read.
 */
export class DetectedKeys {
  private readonly cache: RetryKeyCache;
  private loaded = false;

  constructor(
    private readonly queue: IngestQueue,
    private readonly windowMs: number,
    private readonly maxEntries: number,
  ) {
    this.cache = new RetryKeyCache(windowMs, maxEntries);
  }

  /**
   * Fills the cache from the keys stored within the window, once. When
   * they do not fit, the cache starts incomplete and misses are read.
   */
  async load(): Promise<void> {
    if (this.loaded) return;
    const rows = await this.queue.seenSince(
      Date.now() - this.windowMs,
      this.maxEntries,
    );
    for (const row of rows) this.cache.add(row.cluster, [row.key], row.seenMs);
    if (rows.length === this.maxEntries) this.cache.markIncomplete();
    this.loaded = true;
  }

  /** Returns which of `keys` of `cluster` were processed in the window. */
  async find(cluster: string, keys: readonly string[]): Promise<Set<string>> {
    const nowMs = Date.now();
    const seen = new Set<string>();
    const unknown: string[] = [];
    for (const key of keys) {
      if (this.cache.has(cluster, key, nowMs)) seen.add(key);
      else unknown.push(key);
    }
    if (this.cache.complete || unknown.length === 0) return seen;

    for (const key of await this.queue.findSeen(cluster, unknown)) {
      seen.add(key);
    }
    return seen;
  }

  /**
   * Adds keys to the cache. Call it after the transaction that stored
   * them with `IngestQueue.markSeen` committed.
   */
  add(cluster: string, keys: readonly string[], nowMs: number): void {
    this.cache.add(cluster, keys, nowMs);
  }
}
