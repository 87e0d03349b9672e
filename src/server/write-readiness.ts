import { statfsSync } from 'node:fs';
import { isDiskFullError } from '../store/disk-full-error.js';
import type { ServerContext } from './server-context.js';

/** Minimum time between probe writes to PostgreSQL, in milliseconds. */
const POSTGRES_PROBE_INTERVAL_MS = 60_000;

/**
 * Decides whether /readyz reports that the database takes writes. A write
 * that fails for lack of disk space makes it false until a write succeeds.
 * So that the server can turn ready again while no traffic reaches it,
 * it then tries a small probe write when space may be back.
 */
export class WriteReadiness {
  private waitingSinceMs: number | undefined;

  constructor(
    private readonly context: ServerContext,
    private readonly now: () => number = Date.now,
  ) {}

  /** Tells whether the database takes writes, probing when it may. */
  async check(): Promise<boolean> {
    const { store, logger } = this.context;
    if (store.health.writable) {
      this.waitingSinceMs = undefined;
      return true;
    }
    if (!this.mayProbe()) return false;

    this.waitingSinceMs = this.now();
    try {
      await store.probeWrite();
      return true;
    } catch (error) {
      // The store's health recorded a disk-full failure, and the log line
      // of logStorageHealth covers it.
      if (!isDiskFullError(error)) {
        logger.warn({ err: error }, 'readiness probe write failed');
      }
      return false;
    }
  }

  /**
   * Decides whether to probe now. A probe write is small, so it may
   * succeed while larger writes still fail. With SQLite the server can read the free space of the data
   * directory, and probes only once it has room for the largest webhook
   * body. PostgreSQL's free space is out of reach, so the probe waits a
   * minute after the last one.
   */
  private mayProbe(): boolean {
    const { config } = this.context;
    if (config.database === undefined) {
      const { bavail, bsize } = statfsSync(config.dataDir);
      return bavail * bsize >= config.bodyLimitBytes;
    }
    const nowMs = this.now();
    this.waitingSinceMs ??= nowMs;
    return nowMs - this.waitingSinceMs >= POSTGRES_PROBE_INTERVAL_MS;
  }
}
