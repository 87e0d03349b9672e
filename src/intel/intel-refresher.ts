import type { Logger } from 'pino';
import type { FeedDirectory } from './feed-directory.js';
import { isRefreshDue, refreshFeed } from './refresh-feed.js';

/** How often the refresher looks for feeds that are due, in ms. */
export const REFRESH_CHECK_MS = 60_000;

export interface IntelRefresherOptions {
  directory: FeedDirectory;
  logger: Logger;
  /** Called after a refresh stored a new copy of any feed. */
  onUpdate: () => void;
  checkEveryMs?: number;
}

/**
 * Refreshes the URL feeds of a directory when their interval has
 * passed, one at a time, for a long-running server. A failed refresh is
 * logged and keeps the last good copy; the next check tries again.
 */
export class IntelRefresher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: IntelRefresherOptions) {}

  start(): void {
    if (this.timer) return;
    this.options.logger.info(
      { dir: this.options.directory.root },
      'intel refresher started',
    );
    this.timer = setInterval(() => {
      this.check();
    }, this.options.checkEveryMs ?? REFRESH_CHECK_MS);
    this.timer.unref();
    this.check();
  }

  /** Stop checking and wait for a refresh in progress to end. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    this.options.logger.info('intel refresher stopped');
  }

  /** Refresh every feed that is due; runs once at a time. */
  check(): Promise<void> {
    this.running ??= this.refreshDue().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async refreshDue(): Promise<void> {
    const { directory, logger } = this.options;
    let updated = false;
    for (const definition of directory.definitions()) {
      if (
        !isRefreshDue(definition, directory.state(definition.name), Date.now())
      ) {
        continue;
      }
      const started = performance.now();
      try {
        const report = await refreshFeed(directory, definition);
        const durationMs = Math.round(performance.now() - started);
        if (report.outcome === 'kept') {
          logger.warn(
            {
              feed: definition.name,
              reason: report.state.lastError,
              durationMs,
            },
            'intel feed refresh failed, kept last copy',
          );
        } else {
          logger.info(
            {
              feed: definition.name,
              outcome: report.outcome,
              indicators: report.state.indicators,
              durationMs,
            },
            'intel feed refreshed',
          );
        }
        if (report.outcome === 'updated') updated = true;
      } catch (err) {
        logger.error(
          { err, feed: definition.name },
          'intel feed refresh failed',
        );
      }
    }
    if (updated) this.options.onUpdate();
  }
}
