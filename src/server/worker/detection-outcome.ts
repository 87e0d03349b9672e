import type { Alert } from '../../alerts/alert.js';
import type { MetricsDelta } from './detection-metrics.js';

/** An alert that detection opened or updated, and the receipt behind it. */
export interface TouchedAlert {
  alert: Alert;
  /** Receipt time of the earliest batch whose events touched the alert. */
  receivedMs: number;
  /** The key under which the store folds repeats (alertAggregationKey). */
  aggregationKey: string;
  /** The rule's aggregation window, in milliseconds. */
  windowMs: number;
}

/** The retry keys of one batch's detected events, as JSON of a string array. */
export interface SeenKeys {
  cluster: string;
  keysJson: string;
  seenMs: number;
}

/** Events received from one cluster's source, for its coverage. */
export interface ReceivedActivity {
  cluster: string;
  source: string;
  received: number;
  receivedMs: number;
}

/**
 * The changes to the store from detecting some events: the alerts, the
 * retry keys that make repeats of the events duplicates, and the queue
 * rows that the events came from. The thread that owns the database's
 * writes commits them in one transaction.
 */
export interface DetectionOutcome {
  alerts: TouchedAlert[];
  seen: SeenKeys[];
  /** Queue rows whose events were detected; deleted with the outcome. */
  rowIds: number[];
  /** Engine alerts that closed; their tracking ends with this outcome. */
  closed: string[];
  /**
   * True when the engine started over (new threat intelligence) before
   * these events, so that no alert is tracked from before.
   */
  reset: boolean;
  /** Receipts that this outcome records, for webhook batches. */
  activity: ReceivedActivity[];
  /**
   * The detection counts besides alerts, applied once written; `detected`
   * counts the events of `rowIds`, which leave the queue.
   */
  delta: MetricsDelta;
}
