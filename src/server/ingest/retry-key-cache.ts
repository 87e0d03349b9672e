/**
 * Retry keys seen recently, bounded by age and by count. The webhook
 * keeps one to answer `duplicates` without a database write. The
 * detection worker keeps one filled from the durable
 * `ingest_seen_batches` table at start.
 */
export class RetryKeyCache {
  // Map iteration follows insertion order, which is also time order
  // because `add` deletes a key before setting it again.
  private readonly seenMs = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries: number,
  ) {}

  /** Number of keys held. */
  get size(): number {
    return this.seenMs.size;
  }

  /** Tells whether `key` of `cluster` was added within the window. */
  has(cluster: string, key: string, nowMs: number): boolean {
    const seen = this.seenMs.get(entryKey(cluster, key));
    return seen !== undefined && seen >= nowMs - this.windowMs;
  }

  /** Adds keys seen at `nowMs`, evicting expired and the oldest keys. */
  add(cluster: string, keys: Iterable<string>, nowMs: number): void {
    for (const key of keys) {
      const entry = entryKey(cluster, key);
      this.seenMs.delete(entry);
      this.seenMs.set(entry, nowMs);
    }
    this.evict(nowMs);
  }

  private evict(nowMs: number): void {
    const cutoff = nowMs - this.windowMs;
    for (const [entry, seen] of this.seenMs) {
      if (seen >= cutoff && this.seenMs.size <= this.maxEntries) break;
      this.seenMs.delete(entry);
    }
  }
}

// Cluster names are DNS labels and keys are JSON, so neither contains NUL.
function entryKey(cluster: string, key: string): string {
  return `${cluster}\u0000${key}`;
}
