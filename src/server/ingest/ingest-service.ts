import type { VigilEvent } from '../../sources/event.js';
import type { Cluster } from '../../store/cluster-store.js';
import type {
  IngestBatch,
  QueueCandidate,
  QueueRow,
} from '../../store/ingest-queue.js';
import type { Store } from '../../store/store.js';
import type { ServerMetrics } from '../server-metrics.js';
import { type BodySummary, prepareBody } from './body-summary.js';
import { prepareEvents } from './prepare-events.js';
import { RetryKeyCache } from './retry-key-cache.js';

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
  /** How long retry keys are held in memory, in milliseconds. */
  dedupeWindowMs: number;
  /** Retry keys held in memory at most. */
  maxRetryKeys: number;
  /**
   * Called after each commit with the rows it queued, so that the
   * detection worker can take them without reading them back, and with
   * the normalized bodies it holds for batches that queued nothing or
   * rolled back.
   */
  onQueued: (rows: QueueRow[], discarded: number[]) => void;
}

/** Counts of one committed batch. */
interface EnqueueResult {
  queued: number;
  /** Events whose key was seen within the retry window. */
  duplicates: number;
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
 * Queues normalized events durably: the batch and the source's activity
 * commit in one transaction, and `ingest` resolves only
 * after that commit, so a 2xx response means the events survive a crash.
 * Batches that arrive while a commit runs share the next transaction
 * (group commit), so concurrent requests share one fsync.
 */
export class IngestService {
  private pending: PendingBatch[] = [];
  private flushing: Promise<void> | undefined;
  private readonly retryKeys: RetryKeyCache;

  constructor(
    private readonly store: Store,
    private readonly metrics: ServerMetrics,
    private readonly options: IngestOptions,
  ) {
    this.retryKeys = new RetryKeyCache(
      options.dedupeWindowMs,
      options.maxRetryKeys,
    );
  }

  /** Queues the events of one batch from `cluster`'s `source`. */
  async ingest(
    cluster: Cluster,
    source: string,
    events: readonly VigilEvent[],
    receivedMs: number,
  ): Promise<IngestResult> {
    const prepared = prepareEvents(events, {
      cluster: cluster.name,
      enrolledMs: cluster.enrolledMs,
      maxEventBytes: this.options.maxEventBytes,
    });
    return this.queue(cluster, source, receivedMs, events.length, prepared);
  }

  /**
   * Queues a webhook request body, which the worker normalizes again
   * unless the detection thread keeps it as `pendingId`. `summary` must
   * describe the body normalized with the cluster as default.
   */
  async ingestBody(
    cluster: Cluster,
    summary: BodySummary,
    receivedMs: number,
    body: string,
    pendingId?: number,
  ): Promise<IngestResult> {
    const prepared = prepareBody(summary, cluster.enrolledMs);
    return this.queue(
      cluster,
      'k8s-audit',
      receivedMs,
      summary.timesMs.length,
      prepared,
      { body, pendingId },
    );
  }

  private async queue(
    cluster: Cluster,
    source: string,
    receivedMs: number,
    received: number,
    prepared: {
      candidates: QueueCandidate[];
      beforeEnrolment: number;
      tooLarge: number;
    },
    body?: { body: string; pendingId?: number | undefined },
  ): Promise<IngestResult> {
    let outcome: EnqueueResult;
    try {
      outcome = await this.commit(
        {
          cluster: cluster.name,
          source,
          receivedMs,
          enrolledMs: cluster.enrolledMs,
          candidates: prepared.candidates,
          total: received,
          body: body?.body,
          pendingId: body?.pendingId,
        },
        received,
      );
    } catch (error) {
      if (body?.pendingId !== undefined) {
        this.options.onQueued([], [body.pendingId]);
      }
      throw error;
    }

    this.metrics.addByReason(this.metrics.eventsSkipped, {
      'before-enrolment': prepared.beforeEnrolment,
      duplicate: outcome.duplicates,
    });
    this.metrics.addByReason(this.metrics.eventsDropped, {
      'too-large': prepared.tooLarge,
    });
    return {
      received,
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
      const nowMs = Date.now();
      // Keys enter the cache only after the commit, because a rolled back
      // batch is retried and must not count as its own repeat.
      const groupKeys = new Map<string, Set<string>>();
      const batches = group.map(({ batch }) => {
        let keys = groupKeys.get(batch.cluster);
        if (!keys) {
          keys = new Set();
          groupKeys.set(batch.cluster, keys);
        }
        return this.dropRepeats(batch, keys, nowMs);
      });
      try {
        const ids = await this.store.transaction(async (tx) => {
          const out: (number | undefined)[] = [];
          for (const batch of batches) out.push(await tx.queue.enqueue(batch));
          for (const activity of sourceActivity(group)) {
            await tx.sources.record(
              activity.cluster,
              activity.source,
              activity.received,
              activity.receivedMs,
            );
          }
          return out;
        });
        for (const [cluster, keys] of groupKeys) {
          this.retryKeys.add(cluster, keys, nowMs);
        }
        this.handOff(batches, ids);
        for (const [i, item] of group.entries()) {
          const queued = (batches[i] as IngestBatch).candidates.length;
          const duplicates = item.batch.candidates.length - queued;
          item.resolve({ queued, duplicates });
        }
      } catch (error) {
        // The whole group rolled back; each caller responds 503 and the
        // API server retries.
        for (const item of group) item.reject(error);
      }
    }
    this.flushing = undefined;
  }

  /**
   * Returns the batch without the candidates whose key is in the cache,
   * in `keys` or earlier in the batch. `keys` holds the keys of the
   * group's earlier batches, and the kept keys are added to it.
   */
  private dropRepeats(
    batch: IngestBatch,
    keys: Set<string>,
    nowMs: number,
  ): IngestBatch {
    const kept: QueueCandidate[] = [];
    for (const candidate of batch.candidates) {
      if (keys.has(candidate.key)) continue;
      if (this.retryKeys.has(batch.cluster, candidate.key, nowMs)) continue;
      keys.add(candidate.key);
      kept.push(candidate);
    }
    return { ...batch, candidates: kept };
  }

  private handOff(
    batches: IngestBatch[],
    ids: readonly (number | undefined)[],
  ): void {
    const rows: QueueRow[] = [];
    const discarded: number[] = [];
    for (const [i, batch] of batches.entries()) {
      const id = ids[i];
      if (id !== undefined) rows.push(toQueueRow(id, batch));
      else if (batch.pendingId !== undefined) discarded.push(batch.pendingId);
    }
    if (rows.length > 0 || discarded.length > 0) {
      this.options.onQueued(rows, discarded);
    }
  }
}

/**
 * Sums a group's received events by cluster and source, so that each
 * pair costs one upsert per commit, with the latest receipt time.
 */
function sourceActivity(group: readonly PendingBatch[]) {
  const totals = new Map<
    string,
    { cluster: string; source: string; received: number; receivedMs: number }
  >();
  for (const { batch, received } of group) {
    if (received === 0) continue;
    const key = JSON.stringify([batch.cluster, batch.source]);
    const total = totals.get(key);
    if (total) {
      total.received += received;
      total.receivedMs = Math.max(total.receivedMs, batch.receivedMs);
    } else {
      totals.set(key, {
        cluster: batch.cluster,
        source: batch.source,
        received,
        receivedMs: batch.receivedMs,
      });
    }
  }
  return totals.values();
}

/** Returns the row that the queue stored for `batch`, as the worker reads it. */
function toQueueRow(id: number, batch: IngestBatch): QueueRow {
  const common = {
    id,
    cluster: batch.cluster,
    source: batch.source,
    receivedMs: batch.receivedMs,
    enrolledMs: batch.enrolledMs,
    eventCount: batch.candidates.length,
    keys: batch.candidates.map((event) => event.key),
    pendingId: batch.pendingId,
  };
  if (batch.body === undefined) {
    const events = `[${batch.candidates.map((event) => event.json).join(',')}]`;
    return { ...common, payload: { format: 'events', events } };
  }
  const kept = new Set(batch.candidates.map((event) => event.index));
  const skip = new Set<number>();
  for (let i = 0; i < batch.total; i++) {
    if (!kept.has(i)) skip.add(i);
  }
  return {
    ...common,
    payload: { format: 'k8s-audit-body', body: batch.body, skip },
  };
}
