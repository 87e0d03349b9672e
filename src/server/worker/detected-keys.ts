import type { IngestQueue } from '../../store/ingest-queue.js';
import { RetryKeyCache } from '../ingest/retry-key-cache.js';

/**
 * The retry keys of events that the detection worker has processed: an
 * in-memory cache, filled at start from the durable `ingest_seen_batches`
 * table, into which each outcome writes the keys of its events.
 *
 * NOTE: the cache holds the newest `maxEntries` keys of the dedupe
 * window. A retry of an event older than those is detected again, so at
 * 400,000 keys and 10,000 events/s retries are recognized for 40 s after
 * the first delivery (the API server retries within seconds).
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

  /** Number of keys held, expired ones included until they are evicted. */
  get size(): number {
    return this.cache.size;
  }

  /** Fills the cache from the newest keys stored within the window, once. */
  async load(): Promise<void> {
    if (this.loaded) return;
    const batches = await this.queue.seenSince(
      Date.now() - this.windowMs,
      this.maxEntries,
    );
    // The cache evicts in insertion order, so the oldest go in first.
    for (const batch of batches.reverse()) {
      this.cache.add(batch.cluster, batch.keys, batch.seenMs);
    }
    this.loaded = true;
  }

  /** Returns which of `keys` of `cluster` were processed in the window. */
  find(cluster: string, keys: readonly string[]): Set<string> {
    const nowMs = Date.now();
    const seen = new Set<string>();
    for (const key of keys) {
      if (this.cache.has(cluster, key, nowMs)) seen.add(key);
    }
    return seen;
  }

  /**
   * Adds keys of detected events. Their outcome is written later, and
   * the worker offers it until it is, so the keys count from detection.
   */
  add(cluster: string, keys: readonly string[], nowMs: number): void {
    this.cache.add(cluster, keys, nowMs);
  }
}
