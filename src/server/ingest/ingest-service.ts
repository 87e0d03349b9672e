import type { K8sAuditEvent } from '../../sources/event.js';
import type { Cluster } from '../../store/cluster-store.js';
import type { EnqueueResult, IngestBatch } from '../../store/ingest-queue.js';
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

/** A batch waiting for the next commit, and its caller's promise. */
interface PendingBatch {
  batch: IngestBatch;
  received: number;
  resolve: (result: EnqueueResult) => void;
  reject: (error: unknown) => void;
}

/** Batches committed in one transaction at most. */
const MAX_GROUP = 32;

/**
 * Queues normalized events durably: the retry keys, the batch and the
 * source's activity commit in one transaction, and `ingest` resolves only
 * after that commit, so a 2xx response means the events survive a crash.
 * Batches that arrive while a commit runs share the next transaction
 * (group commit), so concurrent requests share one fsync.
 */
export class IngestService {
  private pending: PendingBatch[] = [];
  private flushing: Promise<void> | undefined;

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
    const outcome = await this.commit(
      {
        cluster: cluster.name,
        source,
        receivedMs,
        enrolledMs: cluster.enrolledMs,
        candidates: prepared.candidates,
        total: events.length,
        body,
      },
      events.length,
    );

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

  private commit(batch: IngestBatch, received: number): Promise<EnqueueResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ batch, received, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const group = this.pending.splice(0, MAX_GROUP);
      try {
        const results = await this.store.transaction(async (tx) => {
          const out: EnqueueResult[] = [];
          for (const { batch, received } of group) {
            out.push(await tx.queue.enqueue(batch));
            if (received > 0) {
              await tx.sources.record(
                batch.cluster,
                batch.source,
                received,
                batch.receivedMs,
              );
            }
          }
          return out;
        });
        for (const [i, item] of group.entries()) {
          item.resolve(results[i] as EnqueueResult);
        }
      } catch (error) {
        // The whole group rolled back; each caller responds 503 and the
        // API server retries.
        for (const item of group) item.reject(error);
      }
    }
    this.flushing = undefined;
  }
}
