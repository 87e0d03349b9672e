/**
 * Lets through the first occurrence of each key per interval and counts
 * the rest, so that a flood of bad requests from one cluster writes one
 * log line per interval with the number suppressed.
 */
export class RepeatLimiter {
  private readonly last = new Map<
    string,
    { atMs: number; suppressed: number }
  >();

  constructor(
    private readonly intervalMs: number,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Returns the repeats suppressed since the last line for `key` when a
   * line should be written now, or undefined to stay quiet.
   */
  take(key: string): number | undefined {
    const nowMs = this.now();
    const entry = this.last.get(key);
    if (entry && nowMs - entry.atMs < this.intervalMs) {
      entry.suppressed++;
      return undefined;
    }

    const suppressed = entry?.suppressed ?? 0;
    this.last.delete(key);
    this.last.set(key, { atMs: nowMs, suppressed: 0 });
    if (this.last.size > this.maxKeys) {
      const oldest = this.last.keys().next().value as string;
      this.last.delete(oldest);
    }
    return suppressed;
  }
}
