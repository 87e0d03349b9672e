import { alertToRow } from '../../store/alert-row.js';
import type { StoreTables } from '../../store/store.js';
import type { TouchedAlert } from './detection-outcome.js';

/** The stored alert behind an engine alert, and the count stored so far. */
export interface TrackedAlert {
  storeId: string;
  persistedCount: number;
}

/** The result of persisting one engine alert. */
export interface PersistOutcome {
  tracked: TrackedAlert;
  /** True when a new row was inserted, false when a stored alert grew. */
  created: boolean;
}

/**
 * Writes one alert that the engine opened or updated. A tracked alert
 * adds the occurrences counted since its last write. An untracked one
 * joins the stored active alert with the same aggregation key whose window
 * is open, as after a restart, or else becomes a new row.
 */
export async function persistAlert(
  tx: StoreTables,
  touched: TouchedAlert,
  tracked: TrackedAlert | undefined,
  nowMs: number,
): Promise<PersistOutcome> {
  const { alert, aggregationKey: key, windowMs } = touched;
  const repeat = {
    startTime: alert.startTime,
    endTime: alert.endTime,
    evidence: alert.evidence,
  };
  if (tracked) {
    const added = alert.count - tracked.persistedCount;
    if (added > 0) {
      await tx.alerts.addRepeat(
        tracked.storeId,
        { ...repeat, count: added },
        nowMs,
      );
    }
    return {
      tracked: { storeId: tracked.storeId, persistedCount: alert.count },
      created: false,
    };
  }

  const startMs = Date.parse(alert.startTime);
  const openId = (await tx.alerts.has(alert.id))
    ? alert.id
    : await tx.alerts.findOpen(key, startMs);
  if (openId !== undefined) {
    await tx.alerts.addRepeat(openId, { ...repeat, count: alert.count }, nowMs);
    return {
      tracked: { storeId: openId, persistedCount: alert.count },
      created: false,
    };
  }

  await tx.alerts.insert(alertToRow(alert, key, startMs + windowMs, nowMs));
  return {
    tracked: { storeId: alert.id, persistedCount: alert.count },
    created: true,
  };
}
