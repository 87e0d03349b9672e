import type { Logger } from 'pino';
import type { StorageHealth } from '../store/storage-health.js';

/**
 * Logs when database writes start failing for lack of disk space, once
 * with the first error, and when a write succeeds again, with the number
 * of writes that failed in between.
 */
export function logStorageHealth(health: StorageHealth, logger: Logger): void {
  let failedWrites = 0;
  let sinceMs = 0;
  health.onChange((event) => {
    if (event.type === 'disk-full') {
      failedWrites++;
      if (failedWrites > 1) return;
      sinceMs = Date.now();
      logger.error(
        { err: event.error },
        'database disk full: writes fail and /readyz reports not ready until space is freed',
      );
      return;
    }
    logger.info(
      { failedWrites, durationMs: Date.now() - sinceMs },
      'database writes succeed again',
    );
    failedWrites = 0;
  });
}
