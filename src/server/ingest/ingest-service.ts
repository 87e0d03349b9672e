import type { Logger } from 'pino';
import type { VigilEvent } from '../../sources/event.js';
import type { Cluster } from '../../store/cluster-store.js';
import type {
  IngestBatch,
  QueueCandidate,
  QueueRow,
} from '../../store/ingest-queue.js';
import type { Store } from '../../store/store.js';
import type { ServerMetrics } from '../server-metrics.js';
import {
  addCount,
  applyDelta,
  emptyDelta,
} from '../worker/detection-metrics.js';
import type {
  DetectionOutcome,
  ReceivedActivity,
} from '../worker/detection-outcome.js';
import type { DetectedCounts } from '../worker/detection-thread-messages.js';
import { type BodySummary, prepareBody } from './body-summary.js';
import { OutcomeWriter, type WrittenOutcomes } from './outcome-writer.js';
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
  /** Logs each alert created. */
  logger: Logger;
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

/** An outcome of detection waiting for its transaction. */
interface PendingOutcome {
  outcome: DetectionOutcome;
  resolve: () => void;
  reject: (error: unknown) => void;
  /** A webhook request waits for it and responds 503 on a failure. */
  responding: boolean;
  failed: boolean;
}

/** Batches committed in one transaction at most. */
const MAX_GROUP = 32;

/** Wait before writing outcomes again after a failed transaction, in ms. */
const OUTCOME_RETRY_MS = 1000;

/**
 * Outcomes waiting for a write at most before the webhook rejects new
 * bodies, which bounds memory while the database fails.
 */
const MAX_PENDING_OUTCOMES = 64;

/**
 * The database's one writer for ingestion. It queues normalized events
 * durably: the batch and the source's activity commit in one
 * transaction, and `ingest` resolves only after that commit, so a 2xx
 * response means the events survive a crash. It also writes the
 * detection thread's outcomes, in the order they were detected. Batches
 * and outcomes that arrive while a commit runs share the next
 * transaction (group commit), so concurrent requests share one fsync.
 *
 * An outcome whose transaction failed stays pending and goes into every
 * later transaction until one commits: detection already counted its
 * events, and running them again would count them twice.
 *
 * NOTE: on SQLite a commit blocks this thread. While another process
 * (the CLI) holds the write lock, each commit waits up to the 5 s busy
 * timeout, and every request waits with it.
 */
export class IngestService {
  private pending: PendingBatch[] = [];
  private outcomes: PendingOutcome[] = [];
  private outcomesChanged = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly retryKeys: RetryKeyCache;
  private readonly writer = new OutcomeWriter();

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
   * True while so many outcomes wait for a write that the webhook should
   * reject new bodies: the database is failing.
   */
  get backlogged(): boolean {
    return this.outcomes.length >= MAX_PENDING_OUTCOMES;
  }

  /**
   * Writes an outcome of the detection thread after those before it;
   * resolves once it committed. With `responding`, a failed transaction
   * rejects at once, and the outcome is still written later.
   */
  storeOutcome(outcome: DetectionOutcome, responding: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      this.outcomes.push({
        outcome,
        resolve,
        reject,
        responding,
        failed: false,
      });
      this.outcomesChanged = true;
      this.flushing ??= this.flush();
    });
  }

  /**
   * Waits for the write of a webhook body that the detection thread
   * detected at once, then counts what it left out.
   */
  async ingestDetected(
    detected: DetectedCounts,
    stored: Promise<void>,
  ): Promise<IngestResult> {
    await stored;
    this.metrics.addByReason(this.metrics.eventsSkipped, {
      'before-enrolment': detected.beforeEnrolment,
      duplicate: detected.duplicates,
    });
    this.metrics.addByReason(this.metrics.eventsDropped, {
      'too-large': detected.tooLarge,
    });
    return {
      received: detected.received,
      queued: detected.queued,
      duplicates: detected.duplicates,
      beforeEnrolment: detected.beforeEnrolment,
      tooLarge: detected.tooLarge,
    };
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
      /** Repeats found before queuing, besides those of the key cache. */
      duplicates?: number;
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

    const duplicates = outcome.duplicates + (prepared.duplicates ?? 0);
    this.metrics.addByReason(this.metrics.eventsSkipped, {
      'before-enrolment': prepared.beforeEnrolment,
      duplicate: duplicates,
    });
    this.metrics.addByReason(this.metrics.eventsDropped, {
      'too-large': prepared.tooLarge,
    });
    return {
      received,
      queued: outcome.queued,
      duplicates,
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
    while (this.pending.length > 0 || this.outcomesChanged) {
      // Commits block this thread, so outcomes that the detection thread
      // posted meanwhile wait in its message queue: one turn of the event
      // loop lets them join this transaction.
      await new Promise((resolve) => setImmediate(resolve));
      const group = this.pending.splice(0, MAX_GROUP);
      const outcomes = this.outcomes.slice();
      this.outcomesChanged = false;
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
      const activity = sourceActivity(group, outcomes);
      let ids: (number | undefined)[];
      let written: WrittenOutcomes;
      try {
        [ids, written] = await this.store.transaction(async (tx) => {
          const out: (number | undefined)[] = [];
          for (const batch of batches) out.push(await tx.queue.enqueue(batch));
          for (const total of activity) {
            await tx.sources.record(
              total.cluster,
              total.source,
              total.received,
              total.receivedMs,
            );
          }
          const wrote = await this.writer.write(
            tx,
            outcomes.map((pending) => pending.outcome),
            nowMs,
          );
          return [out, wrote] as const;
        });
      } catch (error) {
        // The whole group rolled back; each caller responds 503 and the
        // API server retries. Outcomes stay for the next transaction.
        for (const item of group) item.reject(error);
        this.outcomeFailed(outcomes, error);
        continue;
      }

      this.writer.commit(written);
      this.outcomes.splice(0, outcomes.length);
      this.afterOutcomes(outcomes, written);
      for (const [cluster, keys] of groupKeys) {
        this.retryKeys.add(cluster, keys, nowMs);
      }
      this.handOff(batches, ids);
      for (const [i, item] of group.entries()) {
        const queued = (batches[i] as IngestBatch).candidates.length;
        const duplicates = item.batch.candidates.length - queued;
        item.resolve({ queued, duplicates });
      }
    }
    this.flushing = undefined;
  }

  /**
   * Rejects the webhook requests that wait for `outcomes`, once each,
   * and writes the outcomes again after a pause.
   */
  private outcomeFailed(outcomes: PendingOutcome[], error: unknown): void {
    for (const pending of outcomes) {
      if (!pending.responding || pending.failed) continue;
      pending.failed = true;
      pending.reject(error);
    }
    if (outcomes.length === 0 || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.outcomesChanged = true;
      this.flushing ??= this.flush();
    }, OUTCOME_RETRY_MS);
    this.retryTimer.unref();
  }

  /** Resolves written outcomes and counts their alerts and events. */
  private afterOutcomes(
    outcomes: PendingOutcome[],
    written: WrittenOutcomes,
  ): void {
    const committedMs = Date.now();
    const alerts = emptyDelta();
    for (const { alert, receivedMs, created } of written.alerts) {
      alerts.latencies.push((committedMs - receivedMs) / 1000);
      addCount(created ? alerts.created : alerts.repeated, alert.alertType);
      if (!created) continue;
      this.options.logger.info(
        {
          alertId: alert.id,
          alertType: alert.alertType,
          cluster: alert.cluster,
        },
        'alert created',
      );
    }
    applyDelta(this.metrics, alerts);
    for (const pending of outcomes) {
      applyDelta(this.metrics, pending.outcome.delta);
      pending.resolve();
    }
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
function sourceActivity(
  group: readonly PendingBatch[],
  outcomes: readonly PendingOutcome[],
): ReceivedActivity[] {
  const totals = new Map<string, ReceivedActivity>();
  const add = (activity: ReceivedActivity) => {
    if (activity.received === 0) return;
    const key = JSON.stringify([activity.cluster, activity.source]);
    const total = totals.get(key);
    if (total) {
      total.received += activity.received;
      total.receivedMs = Math.max(total.receivedMs, activity.receivedMs);
    } else {
      totals.set(key, { ...activity });
    }
  };
  for (const { batch, received } of group) {
    add({
      cluster: batch.cluster,
      source: batch.source,
      received,
      receivedMs: batch.receivedMs,
    });
  }
  for (const { outcome } of outcomes) {
    for (const activity of outcome.activity) add(activity);
  }
  return [...totals.values()];
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
