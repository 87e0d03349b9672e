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

  /** Tells whether `key` of `cluster` was detected within the window. */
  has(cluster: string, key: string, nowMs: number): boolean {
    return this.cache.has(cluster, key, nowMs);
  }

  /**
   * Records `key` of `cluster` as detected unless it was within the
   * window; returns true for a repeat. The key's outcome is written
   * later, and the worker offers it until it is, so the key counts from
   * detection on.
   */
  claim(cluster: string, key: string, nowMs: number): boolean {
    return this.cache.claim(cluster, key, nowMs);
  }
}
