import {
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  Registry,
} from 'prom-client';

/**
 * The server's Prometheus metrics on a registry of its own, so that two
 * servers in one process (as in tests) do not share counters. Labels take
 * only bounded values: sources, reason codes and rule ids.
 */
export class ServerMetrics {
  readonly registry = new Registry();

  /** Events in request bodies, usable or not. */
  readonly eventsReceived = new Counter({
    name: 'vigil_events_received_total',
    help: 'Events received, by source',
    labelNames: ['source'],
    registers: [this.registry],
  });

  /** Events that normalized into a usable event. */
  readonly eventsParsed = new Counter({
    name: 'vigil_events_parsed_total',
    help: 'Events parsed into normalized events, by source',
    labelNames: ['source'],
    registers: [this.registry],
  });

  /** Valid events not queued for detection, such as retried repeats. */
  readonly eventsSkipped = new Counter({
    name: 'vigil_events_skipped_total',
    help: 'Valid events skipped, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });

  /** Inputs that could not be used, such as invalid or oversized events. */
  readonly eventsDropped = new Counter({
    name: 'vigil_events_dropped_total',
    help: 'Unusable inputs dropped, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });

  /** New alerts stored. */
  readonly alerts = new Counter({
    name: 'vigil_alerts_total',
    help: 'Alerts created, by alert type',
    labelNames: ['alert_type'],
    registers: [this.registry],
  });

  /** Occurrences added to alerts already stored. */
  readonly alertRepeats = new Counter({
    name: 'vigil_alert_repeats_total',
    help: 'Occurrences aggregated into existing alerts, by alert type',
    labelNames: ['alert_type'],
    registers: [this.registry],
  });

  /** Events acknowledged and not yet through detection. */
  readonly queueDepth = new Gauge({
    name: 'vigil_queue_depth_events',
    help: 'Events queued for detection',
    registers: [this.registry],
  });

  /** From the webhook's receipt of an event to its alert's commit. */
  readonly receiptToAlert = new Histogram({
    name: 'vigil_receipt_to_alert_seconds',
    help: 'Time from receiving an event to storing the alert it raised',
    buckets: [
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10, 30,
    ],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Adds counts by reason code to a labelled counter. */
  addByReason(
    counter: Counter<'reason'>,
    counts: Readonly<Record<string, number | undefined>>,
  ): void {
    for (const [reason, count] of Object.entries(counts)) {
      if (count) counter.inc({ reason }, count);
    }
  }
}
