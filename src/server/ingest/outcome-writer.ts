import type { Alert } from '../../alerts/alert.js';
import type { Store, StoreTables } from '../../store/store.js';
import type {
  DetectionOutcome,
  TouchedAlert,
} from '../worker/detection-outcome.js';
import { persistAlert, type TrackedAlert } from '../worker/persist-alerts.js';

/** One alert written by a transaction, for the metrics after its commit. */
export interface WrittenAlert {
  alert: Alert;
  receivedMs: number;
  created: boolean;
}

/**
 * The writes of one transaction for some outcomes. Tracking changes
 * apply only once it commits, since a rolled back transaction wrote
 * nothing.
 */
export interface WrittenOutcomes {
  alerts: WrittenAlert[];
  /** Tracking by engine alert id after the transaction; null ends it. */
  tracking: Map<string, TrackedAlert | null>;
  /** True when the transaction dropped all tracking from before it. */
  cleared: boolean;
}

/**
 * Writes detection outcomes in the order detection produced them. It
 * keeps, for each alert the engine has open, the stored alert behind
 * it and the count stored so far, so that each repeat adds only what the
 * engine counted since the last write.
 */
export class OutcomeWriter {
  private readonly tracked = new Map<string, TrackedAlert>();

  /** Writes `outcomes` inside `tx`; call `commit` with the result once it committed. */
  async write(
    tx: StoreTables,
    outcomes: readonly DetectionOutcome[],
    nowMs: number,
  ): Promise<WrittenOutcomes> {
    const written: WrittenOutcomes = {
      alerts: [],
      tracking: new Map(),
      cleared: false,
    };
    const lookup = (id: string): TrackedAlert | undefined => {
      const changed = written.tracking.get(id);
      if (changed !== undefined) return changed ?? undefined;
      return written.cleared ? undefined : this.tracked.get(id);
    };

    for (const outcome of outcomes) {
      if (outcome.reset) {
        written.tracking.clear();
        written.cleared = true;
      }
      for (const touched of outcome.alerts) {
        const result = await persistAlert(
          tx,
          touched,
          lookup(touched.alert.id),
          nowMs,
        );
        written.tracking.set(touched.alert.id, result.tracked);
        written.alerts.push(writtenAlert(touched, result.created));
      }
      for (const id of outcome.closed) written.tracking.set(id, null);
      for (const seen of outcome.seen) {
        await tx.queue.markSeenJson(seen.cluster, seen.keysJson, seen.seenMs);
      }
      await tx.queue.remove(outcome.rowIds);
    }
    return written;
  }

  /** Applies the tracking of a committed transaction. */
  commit(written: WrittenOutcomes): void {
    if (written.cleared) this.tracked.clear();
    for (const [id, tracked] of written.tracking) {
      if (tracked === null) this.tracked.delete(id);
      else this.tracked.set(id, tracked);
    }
  }

  /**
   * Writes one outcome in its own transaction, with its receipts; throws
   * when the transaction fails, and then nothing was written.
   */
  async writeOne(
    store: Store,
    outcome: DetectionOutcome,
  ): Promise<WrittenOutcomes> {
    const written = await store.transaction(async (tx) => {
      for (const activity of outcome.activity) {
        await tx.sources.record(
          activity.cluster,
          activity.source,
          activity.received,
          activity.receivedMs,
        );
      }
      return this.write(tx, [outcome], Date.now());
    });
    this.commit(written);
    return written;
  }
}

function writtenAlert(touched: TouchedAlert, created: boolean): WrittenAlert {
  return { alert: touched.alert, receivedMs: touched.receivedMs, created };
}
