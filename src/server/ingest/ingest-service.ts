import type { K8sAuditEvent } from '../../sources/event.js';
import type { Cluster } from '../../store/cluster-store.js';
import type { Store } from '../../store/store.js';
import type { ServerMetrics } from '../server-metrics.js';
import { prepareEvents } from './prepare-events.js';

/** Counts of one ingested batch, as the webhook reports them. */
export interface IngestResult {
  received: number;
  queued: number;
  duplicates: number;
  beforeEnrolment: number;
  tooLarge: number;
}

/** Settings of the ingest path. */
export interface IngestOptions {
  maxEventBytes: number;
  /** Called after each commit that queued events. */
  onQueued: (events: number) => void;
}

/**
 * Queues normalized events durably: the retry keys, the batch and the
 * source's activity commit in one transaction, and `ingest` resolves only
 * after that commit, so a 2xx response means the events survive a crash.
 */
export class IngestService {
  constructor(
    private readonly store: Store,
    private readonly metrics: ServerMetrics,
    private readonly options: IngestOptions,
  ) {}

  /**
   * Queues the events of one batch from `cluster`'s `source`. With
   * `body`, the webhook's request body is queued for the worker to
   * normalize again. `events` must then be exactly the events that
   * normalizing the body with the cluster as default produces.
   */
  async ingest(
    cluster: Cluster,
    source: string,
    events: readonly K8sAuditEvent[],
    receivedMs: number,
    body?: string,
  ): Promise<IngestResult> {
    const prepared = prepareEvents(events, {
      cluster: cluster.name,
      enrolledMs: cluster.enrolledMs,
      maxEventBytes: this.options.maxEventBytes,
      bodyBytes: body === undefined ? undefined : Buffer.byteLength(body),
    });
    const outcome = await this.store.transaction(async (tx) => {
      const queued = await tx.queue.enqueue({
        cluster: cluster.name,
        source,
        receivedMs,
        enrolledMs: cluster.enrolledMs,
        candidates: prepared.candidates,
        total: events.length,
        body,
      });
      if (events.length > 0) {
        await tx.sources.record(
          cluster.name,
          source,
          events.length,
          receivedMs,
        );
      }
      return queued;
    });

    this.metrics.addByReason(this.metrics.eventsSkipped, {
      'before-enrolment': prepared.beforeEnrolment,
      duplicate: outcome.duplicates,
    });
    this.metrics.addByReason(this.metrics.eventsDropped, {
      'too-large': prepared.tooLarge,
    });
    if (outcome.queued > 0) this.options.onQueued(outcome.queued);
    return {
      received: events.length,
      queued: outcome.queued,
      duplicates: outcome.duplicates,
      beforeEnrolment: prepared.beforeEnrolment,
      tooLarge: prepared.tooLarge,
    };
  }
}
