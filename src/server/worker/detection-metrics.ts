import type { ServerMetrics } from '../server-metrics.js';

/**
 * Counts of the detection worker between two commits. The worker runs
 * in its own thread, so it sends these deltas to the main thread, which
 * owns the Prometheus registry.
 */
export interface MetricsDelta {
  created: Record<string, number>;
  repeated: Record<string, number>;
  /** Receipt-to-alert latencies in seconds, one per alert written. */
  latencies: number[];
  /** Events taken off the queue. */
  detected: number;
  dropped: Record<string, number>;
  skipped: Record<string, number>;
}

/** Creates an empty delta. */
export function emptyDelta(): MetricsDelta {
  return {
    created: {},
    repeated: {},
    latencies: [],
    detected: 0,
    dropped: {},
    skipped: {},
  };
}

/** Adds `count` under `key`. */
export function addCount(
  counts: Record<string, number>,
  key: string,
  count = 1,
): void {
  counts[key] = (counts[key] ?? 0) + count;
}

/** Applies a delta from the detection thread to the server's metrics. */
export function applyDelta(metrics: ServerMetrics, delta: MetricsDelta): void {
  for (const [type, n] of Object.entries(delta.created)) {
    metrics.alerts.inc({ alert_type: type }, n);
  }
  for (const [type, n] of Object.entries(delta.repeated)) {
    metrics.alertRepeats.inc({ alert_type: type }, n);
  }
  for (const seconds of delta.latencies) {
    metrics.receiptToAlert.observe(seconds);
  }
  if (delta.detected > 0) metrics.queueDepth.dec(delta.detected);
  metrics.addByReason(metrics.eventsDropped, delta.dropped);
  metrics.addByReason(metrics.eventsSkipped, delta.skipped);
}
