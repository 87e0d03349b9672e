import type { Logger } from 'pino';
import type { Alert } from '../../alerts/alert.js';
import type { CompiledRule } from '../../engine/compile-rule.js';
import { Engine } from '../../engine/engine.js';
import { type IntelLookup, NO_INTEL } from '../../engine/intel-lookup.js';
import type { RulePack } from '../../engine/load-rules.js';
import type { K8sAuditEvent, VigilEvent } from '../../sources/event.js';
import type { QueueRow } from '../../store/ingest-queue.js';
import type { Store } from '../../store/store.js';
import { type SummarizedBody, summarizeBody } from '../ingest/body-summary.js';
import { eventKey } from '../ingest/prepare-events.js';
import { RepeatLimiter } from '../repeat-limiter.js';
import { alertAggregationKey } from './alert-aggregation-key.js';
import { DetectedKeys } from './detected-keys.js';
import {
  addCount,
  emptyDelta,
  type MetricsDelta,
} from './detection-metrics.js';
import type {
  DetectionOutcome,
  ReceivedActivity,
  TouchedAlert,
} from './detection-outcome.js';
import type {
  DetectedBody,
  IngestRequest,
  NormalizedBody,
} from './detection-thread-messages.js';
import { queuedEvents } from './queued-events.js';

/**
 * Writes an outcome durably, in order after those before it; rejects
 * when nothing was written, and the worker then offers it again.
 */
export type OutcomeSink = (outcome: DetectionOutcome) => Promise<void>;

/** Settings of the detection worker. */
export interface DetectionWorkerOptions {
  /** Queued batches processed per transaction. */
  batchRows: number;
  /** Poll interval while the queue is empty, in milliseconds. */
  idleMs: number;
  /** Wait after a failed database operation, in milliseconds. */
  retryMs: number;
  /** How long retry keys are kept, in milliseconds. */
  dedupeWindowMs: number;
  /** Retry keys held in memory at most. */
  maxRetryKeys: number;
}

/** The events of a queued batch that are not repeats, and their keys. */
interface FreshEvents {
  row: QueueRow;
  events: VigilEvent[];
  keys: string[];
}

/** Handed-off rows kept at most; past it rows are read from the queue. */
const MAX_HANDED_OFF = 256;

/**
 * Normalized bodies held for the webhook at most. Each waits only for
 * its commit, so this bounds memory if a discard message is lost.
 */
const MAX_HELD_BODIES = 256;

/**
 * Wait for the copy of a just committed row, in milliseconds, before the
 * row is read from the queue instead.
 */
const HAND_OFF_WAIT_MS = 20;

/** An alert touched by the batches being processed. */
interface Touched {
  alert: Alert;
  receivedMs: number;
}

/**
 * Runs the engine over webhook bodies and over the ingest queue, in
 * order. Each outcome (the alerts opened or updated, the events' retry
 * keys and the queue rows to delete) goes to a sink that writes it in
 * one transaction. A batch therefore raises its alerts exactly once, and
 * after a crash the worker resumes from the first batch not deleted.
 *
 * A webhook body is detected as soon as it arrives when nothing is
 * queued before it: its outcome is then written before the webhook
 * responds, and the body is never queued. Otherwise the body waits in
 * the queue behind the others.
 */
export class DetectionWorker {
  private engine: Engine;
  private readonly rules: Map<string, CompiledRule>;
  private closed: string[] = [];
  private reset = false;
  private readonly enrolled = new Map<string, number>();
  private readonly handedOff = new Map<number, QueueRow>();
  /** Events of webhook bodies this thread normalized, by body id. */
  private readonly heldBodies = new Map<number, K8sAuditEvent[]>();
  private readonly detectedKeys: DetectedKeys;
  private nextIntel: IntelLookup | undefined;
  private readonly logLimiter = new RepeatLimiter(60_000);
  private state: 'idle' | 'running' | 'draining' | 'stopped' = 'idle';
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private watermarkMs = 0;
  /** True while the loop waits with nothing queued. */
  private idle = false;
  private delta: MetricsDelta = emptyDelta();
  private engineBeforeEnrolment = 0;

  constructor(
    /** Read for queued rows and stored keys; the sink does the writes. */
    private readonly store: Store,
    private readonly pack: RulePack,
    private readonly logger: Logger,
    private readonly options: DetectionWorkerOptions,
    private readonly sink: OutcomeSink,
    /** The threat intelligence behind the `intel` operator. */
    private intel: IntelLookup = NO_INTEL,
  ) {
    this.rules = new Map(pack.rules.map((rule) => [rule.id, rule]));
    this.engine = this.createEngine();
    this.detectedKeys = new DetectedKeys(
      store.queue,
      options.dedupeWindowMs,
      options.maxRetryKeys,
    );
  }

  /** True while the worker's loop runs. */
  get running(): boolean {
    return this.state === 'running' || this.state === 'draining';
  }

  /** Starts consuming the queue. */
  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'running';
    this.loop = this.run();
    this.logger.info({ rules: this.rules.size }, 'detection worker started');
  }

  /** Ends an idle wait, because new batches were queued. */
  wake(): void {
    this.wakeUp?.();
  }

  /**
   * Replaces the threat intelligence before the next batch. The engine
   * is built again, because it leaves out the rules whose intel
   * categories are empty, so the state of stateful rules starts over.
   */
  setIntel(intel: IntelLookup): void {
    this.nextIntel = intel;
    this.wake();
  }

  /**
   * Takes rows just committed to the queue, so that they need not be
   * read back; the queue stays their durable copy until they are
   * processed. Rows beyond the bound are dropped here and read later.
   */
  handOff(rows: readonly QueueRow[]): void {
    for (const row of rows) {
      const held = this.takeHeld(row);
      if (this.handedOff.size >= MAX_HANDED_OFF) continue;
      this.handedOff.set(row.id, held ? { ...row, events: held } : row);
    }
    this.wake();
  }

  /**
   * Parses and normalizes a webhook body for the HTTP thread. When
   * nothing waits in the queue, the body's events are detected at once
   * and the result carries their outcome, which the HTTP thread writes
   * before it responds. Otherwise the events are kept as `request.id`
   * until the row that queues them is handed off.
   */
  ingest(request: IngestRequest): NormalizedBody | DetectedBody {
    const { id, body, cluster, maxEventBytes } = request;
    const result = summarizeBody(body, cluster, maxEventBytes);
    if ('invalidJson' in result) return result;
    if (this.detectsAtOnce()) return this.detectBody(request, result);

    const nowMs = Date.now();
    result.summary.repeats = [];
    for (const [index, key] of result.summary.keys.entries()) {
      if (this.detectedKeys.has(cluster, key, nowMs)) {
        result.summary.repeats.push(index);
      }
    }
    this.heldBodies.set(id, result.events);
    if (this.heldBodies.size > MAX_HELD_BODIES) {
      const oldest = this.heldBodies.keys().next().value as number;
      this.heldBodies.delete(oldest);
    }
    return { summary: result.summary };
  }

  /**
   * Tells whether a body can be detected as it arrives: the loop waits
   * with nothing queued, no queued body is on its way to it, and the
   * engine has no pending change.
   */
  private detectsAtOnce(): boolean {
    return (
      this.idle &&
      this.state === 'running' &&
      this.handedOff.size === 0 &&
      this.heldBodies.size === 0 &&
      this.nextIntel === undefined
    );
  }

  /**
   * Detects the events of a summarized body that are after the cluster's
   * enrolment, within the size limit and not repeats, and returns the
   * counts for the response with the outcome to write.
   */
  private detectBody(
    request: IngestRequest,
    summarized: Extract<SummarizedBody, { events: unknown }>,
  ): DetectedBody {
    const { cluster, enrolledMs, receivedMs } = request;
    const { summary, events } = summarized;
    const counts = {
      received: events.length,
      queued: 0,
      duplicates: 0,
      beforeEnrolment: 0,
      tooLarge: 0,
    };
    const tooLarge = new Set(summary.tooLarge);
    const tooLargeEvents: { auditID: string; stage: string }[] = [];
    const fresh: FreshEvents = {
      row: {
        id: 0,
        cluster,
        source: 'k8s-audit',
        receivedMs,
        enrolledMs,
        eventCount: 0,
        payload: { format: 'events', events: '[]' },
      },
      events: [],
      keys: [],
    };
    const nowMs = Date.now();
    for (const [index, event] of events.entries()) {
      const key = summary.keys[index] as string;
      if (event.timeMs < enrolledMs) {
        counts.beforeEnrolment++;
      } else if (tooLarge.has(index)) {
        counts.tooLarge++;
        tooLargeEvents.push({
          auditID: event.audit.auditID,
          stage: event.audit.stage,
        });
      } else if (this.detectedKeys.claim(cluster, key, nowMs)) {
        counts.duplicates++;
      } else {
        fresh.events.push(event);
        fresh.keys.push(key);
      }
    }
    counts.queued = fresh.events.length;

    const touched = new Map<string, Touched>();
    this.detect(fresh, touched);
    this.engine.expire(this.watermarkMs);
    const activity: ReceivedActivity[] =
      events.length > 0
        ? [
            {
              cluster,
              source: 'k8s-audit',
              received: events.length,
              receivedMs,
            },
          ]
        : [];
    const outcome = this.outcome([], [fresh], touched, activity);
    return {
      detected: {
        ...counts,
        problems: summary.problems,
        tooLargeEvents,
        eventList: summary.eventList,
      },
      outcome,
    };
  }

  /** Drops held bodies that queued nothing. */
  discard(ids: readonly number[]): void {
    for (const id of ids) this.heldBodies.delete(id);
  }

  /** Returns the held events of a row's body that the row queued. */
  private takeHeld(row: QueueRow): K8sAuditEvent[] | undefined {
    if (row.pendingId === undefined) return undefined;
    const events = this.heldBodies.get(row.pendingId);
    this.heldBodies.delete(row.pendingId);
    if (!events || row.payload.format !== 'k8s-audit-body') return undefined;
    const { skip } = row.payload;
    return events.filter((_, index) => !skip.has(index));
  }

  /**
   * Processes what is queued, then stops; gives up after `timeoutMs` and
   * leaves the rest queued for the next start.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    if (!this.loop) return true;
    this.state = 'draining';
    this.wake();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const drained = await Promise.race([this.loop.then(() => true), timeout]);
    clearTimeout(timer);
    this.state = 'stopped';
    this.wake();
    // A loop that waits for its sink past the timeout is left behind.
    if (drained) await this.loop;
    return drained;
  }

  private createEngine(): Engine {
    return new Engine(this.pack, {
      intel: this.intel,
      enrolledAt: (cluster) => this.enrolled.get(cluster),
      // Tracking ends with the next outcome, since the closing alert may
      // still have occurrences to write.
      onClose: (alert) => this.closed.push(alert.id),
    });
  }

  private async run(): Promise<void> {
    while (this.state === 'running' || this.state === 'draining') {
      let rows: QueueRow[];
      try {
        await this.detectedKeys.load();
        if (this.nextIntel) {
          this.idle = false;
          this.applyIntel(this.nextIntel);
        }
        rows = await this.nextRows();
      } catch (error) {
        this.idle = false;
        this.logger.error({ err: error }, 'reading the queue failed');
        await this.sleep(this.options.retryMs);
        continue;
      }
      if (rows.length === 0) {
        if (this.state === 'draining') break;
        this.idle = true;
        await this.sleep(this.options.idleMs);
        continue;
      }

      this.idle = false;
      await this.process(rows);
    }
    this.logger.info({}, 'detection worker stopped');
  }

  /**
   * Returns the oldest queued rows. The leading rows whose copies were
   * handed off are taken from memory. When the oldest row has no copy,
   * the worker waits a moment for it, because the webhook posts the copy
   * just after its commit. Then it reads the rows from the queue, since
   * rows of an earlier run, or past the hand-off bound, have no copy.
   */
  private async nextRows(): Promise<QueueRow[]> {
    let ids = await this.store.queue.nextIds(this.options.batchRows);
    const first = ids[0];
    if (first === undefined) return [];
    if (!this.handedOff.has(first)) {
      await this.sleep(HAND_OFF_WAIT_MS);
      ids = await this.store.queue.nextIds(this.options.batchRows);
    }

    // Copies older than the oldest queued row are of deleted rows.
    const oldest = ids[0];
    for (const id of this.handedOff.keys()) {
      if (oldest === undefined || id < oldest) this.handedOff.delete(id);
    }
    const rows: QueueRow[] = [];
    for (const id of ids) {
      const row = this.handedOff.get(id);
      if (!row) break;
      rows.push(row);
    }
    if (rows.length > 0 || ids.length === 0) return rows;
    return this.store.queue.next(this.options.batchRows);
  }

  /**
   * Runs the engine over the rows once, then hands the outcome to the
   * sink, offering it again while the sink fails. Running the engine
   * again would count the events twice in its windows and baselines.
   * When the worker stops first, the rows stay queued and the next start
   * detects them afresh.
   */
  private async process(rows: QueueRow[]): Promise<void> {
    const fresh = this.dropRepeats(rows);
    const touched = new Map<string, Touched>();
    for (const batch of fresh) {
      this.detect(batch, touched);
      // The HTTP thread waits for bodies that this thread normalizes.
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.engine.expire(this.watermarkMs);
    const outcome = this.outcome(rows, fresh, touched, []);

    for (let attempt = 1; ; attempt++) {
      try {
        await this.sink(outcome);
        break;
      } catch (error) {
        const suppressed = this.logLimiter.take('store');
        if (suppressed !== undefined) {
          this.logger.error(
            { err: error, attempt, suppressed },
            'storing alerts failed; retrying',
          );
        }
        if (this.state === 'stopped') return;
        await this.sleep(this.options.retryMs);
      }
    }
    for (const row of rows) this.handedOff.delete(row.id);
  }

  /**
   * Collects what detecting `fresh`, the events of `rows` or of a body
   * that was never queued, changed: the alerts it touched, the retry
   * keys to record, the rows to delete, and the counts since the last
   * outcome.
   */
  private outcome(
    rows: readonly QueueRow[],
    fresh: readonly FreshEvents[],
    touched: Map<string, Touched>,
    activity: ReceivedActivity[],
  ): DetectionOutcome {
    const alerts: TouchedAlert[] = [];
    for (const { alert, receivedMs } of touched.values()) {
      const rule = this.rules.get(alert.alertType) as CompiledRule;
      alerts.push({
        alert,
        receivedMs,
        aggregationKey: alertAggregationKey(alert, rule),
        windowMs: rule.windowMs,
      });
    }
    const delta = this.delta;
    this.delta = emptyDelta();
    for (const row of rows) delta.detected += row.eventCount;
    const before = this.engine.stats.beforeEnrolment;
    const skipped = before - this.engineBeforeEnrolment;
    this.engineBeforeEnrolment = before;
    if (skipped > 0) addCount(delta.skipped, 'before-enrolment', skipped);

    const outcome: DetectionOutcome = {
      alerts,
      seen: fresh
        .filter(({ keys }) => keys.length > 0)
        .map(({ row, keys }) => ({
          cluster: row.cluster,
          keysJson: JSON.stringify(keys),
          seenMs: row.receivedMs,
        })),
      rowIds: rows.map((row) => row.id),
      closed: this.closed,
      reset: this.reset,
      activity,
      delta,
    };
    this.closed = [];
    this.reset = false;
    return outcome;
  }

  /**
   * Reads each row's events and leaves out those whose retry key was
   * detected before (a retry that reached another process, or came after
   * a restart, or was queued beside its first delivery) or appears
   * earlier in these rows. The kept keys count as detected from here on.
   */
  private dropRepeats(rows: QueueRow[]): FreshEvents[] {
    const fresh: FreshEvents[] = [];
    for (const row of rows) {
      let events: VigilEvent[];
      try {
        events = queuedEvents(row);
      } catch (error) {
        addCount(this.delta.dropped, 'invalid-queue-row', row.eventCount);
        this.logger.error(
          { err: error, batchId: row.id },
          'queued batch unreadable',
        );
        continue;
      }

      const keys =
        row.keys?.length === events.length ? row.keys : events.map(eventKey);
      const kept: FreshEvents = { row, events: [], keys: [] };
      const nowMs = Date.now();
      for (const [i, event] of events.entries()) {
        const key = keys[i] as string;
        if (this.detectedKeys.claim(row.cluster, key, nowMs)) {
          addCount(this.delta.skipped, 'duplicate');
          continue;
        }
        kept.events.push(event);
        kept.keys.push(key);
      }
      fresh.push(kept);
    }
    return fresh;
  }

  /** Runs the engine over one batch, collecting the alerts it touches. */
  private detect(batch: FreshEvents, touched: Map<string, Touched>): void {
    const { row, events } = batch;
    this.enrolled.set(row.cluster, row.enrolledMs);

    for (const event of events) {
      if (event.timeMs > this.watermarkMs) this.watermarkMs = event.timeMs;
      let alerts: readonly Alert[];
      try {
        alerts = this.engine.process(event);
      } catch (error) {
        addCount(this.delta.dropped, 'engine-error');
        this.logEngineError(error, row.cluster, event.id);
        continue;
      }
      for (const alert of alerts) {
        const earlier = touched.get(alert.id);
        touched.set(alert.id, {
          alert,
          receivedMs: Math.min(
            earlier?.receivedMs ?? row.receivedMs,
            row.receivedMs,
          ),
        });
      }
    }
  }

  private applyIntel(intel: IntelLookup): void {
    this.nextIntel = undefined;
    this.intel = intel;
    this.resetEngine();
    this.logger.info(
      { categories: [...intel.categories()] },
      'detection intel replaced',
    );
  }

  private resetEngine(): void {
    this.engine = this.createEngine();
    this.engineBeforeEnrolment = 0;
    this.closed = [];
    this.reset = true;
  }

  private logEngineError(
    error: unknown,
    cluster: string,
    eventId: string,
  ): void {
    const suppressed = this.logLimiter.take(`engine\u0000${cluster}`);
    if (suppressed === undefined) return;
    this.logger.error(
      { err: error, cluster, eventId, suppressed },
      'rule evaluation failed',
    );
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        done();
      };
    });
  }
}
