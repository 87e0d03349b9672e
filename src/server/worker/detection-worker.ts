import type { Logger } from 'pino';
import type { Alert } from '../../alerts/alert.js';
import type { CompiledRule } from '../../engine/compile-rule.js';
import { Engine } from '../../engine/engine.js';
import { type IntelLookup, NO_INTEL } from '../../engine/intel-lookup.js';
import type { RulePack } from '../../engine/load-rules.js';
import type { K8sAuditEvent, VigilEvent } from '../../sources/event.js';
import type { QueueRow } from '../../store/ingest-queue.js';
import type { Store } from '../../store/store.js';
import { summarizeBody } from '../ingest/body-summary.js';
import { eventKey } from '../ingest/prepare-events.js';
import { RepeatLimiter } from '../repeat-limiter.js';
import { DetectedKeys } from './detected-keys.js';
import {
  addCount,
  emptyDelta,
  type MetricsDelta,
} from './detection-metrics.js';
import type { NormalizedBody } from './detection-thread-messages.js';
import { persistAlert, type TrackedAlert } from './persist-alerts.js';
import { queuedEvents } from './queued-events.js';

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
  /** Whether the worker keeps the keys in memory: for rows queued before it started. */
  remember: boolean;
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
 * Consumes the ingest queue in order: runs the engine over each batch,
 * then stores the alerts it opened or updated and deletes the batches in
 * one transaction. A batch therefore raises its alerts exactly once, and
 * after a crash the worker resumes from the first batch not deleted.
 */
export class DetectionWorker {
  private engine: Engine;
  private readonly rules: Map<string, CompiledRule>;
  private readonly tracked = new Map<string, TrackedAlert>();
  private readonly closed = new Set<string>();
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
  /** The newest queued row when the worker started; later rows are newer. */
  private startId = Number.POSITIVE_INFINITY;
  private startIdRead = false;
  private delta: MetricsDelta = emptyDelta();
  private engineBeforeEnrolment = 0;

  constructor(
    private readonly store: Store,
    private readonly pack: RulePack,
    private readonly logger: Logger,
    private readonly options: DetectionWorkerOptions,
    /** Receives the counts of each commit, for the server's metrics. */
    private readonly report: (delta: MetricsDelta) => void,
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
   * Parses and normalizes a webhook body for the HTTP thread, and keeps
   * its events as `id` until the row that queues them is handed off.
   */
  normalize(
    id: number,
    body: string,
    cluster: string,
    maxEventBytes: number,
  ): NormalizedBody {
    const result = summarizeBody(body, cluster, maxEventBytes);
    if ('invalidJson' in result) return result;

    this.heldBodies.set(id, result.events);
    if (this.heldBodies.size > MAX_HELD_BODIES) {
      const oldest = this.heldBodies.keys().next().value as number;
      this.heldBodies.delete(oldest);
    }
    return { summary: result.summary };
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
    await this.loop;
    return drained;
  }

  private createEngine(): Engine {
    return new Engine(this.pack, {
      intel: this.intel,
      enrolledAt: (cluster) => this.enrolled.get(cluster),
      // Tracking ends after the next commit, since the closing alert may
      // still have occurrences to write.
      onClose: (alert) => this.closed.add(alert.id),
    });
  }

  private async run(): Promise<void> {
    while (this.state === 'running' || this.state === 'draining') {
      let rows: QueueRow[];
      try {
        await this.detectedKeys.load();
        if (!this.startIdRead) {
          this.startId = await this.store.queue.lastId();
          this.startIdRead = true;
        }
        if (this.nextIntel) this.applyIntel(this.nextIntel);
        rows = await this.nextRows();
      } catch (error) {
        this.logger.error({ err: error }, 'reading the queue failed');
        await this.sleep(this.options.retryMs);
        continue;
      }
      if (rows.length === 0) {
        if (this.state === 'draining') break;
        await this.sleep(this.options.idleMs);
        continue;
      }

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
   * Runs the engine over the rows once, then stores the outcome, retrying
   * while the store fails. Running the engine again would count the
   * events twice in its windows and baselines. When the worker stops
   * first, the rows stay queued and the next start detects them afresh.
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

    for (let attempt = 1; ; attempt++) {
      try {
        await this.storeOutcome(rows, fresh, touched);
        return;
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
  }

  /**
   * Stores the alerts that the rows opened or updated, records their keys
   * and deletes them from the queue, in one transaction.
   */
  private async storeOutcome(
    rows: QueueRow[],
    fresh: FreshEvents[],
    touched: Map<string, Touched>,
  ): Promise<void> {
    const nowMs = Date.now();
    const updates = new Map<string, TrackedAlert>();
    const created: Alert[] = [];
    await this.store.transaction(async (tx) => {
      for (const { alert } of touched.values()) {
        const rule = this.rules.get(alert.alertType) as CompiledRule;
        const outcome = await persistAlert(
          tx,
          alert,
          rule,
          this.tracked.get(alert.id),
          nowMs,
        );
        updates.set(alert.id, outcome.tracked);
        if (outcome.created) created.push(alert);
      }
      for (const { row, keys } of fresh) {
        await tx.queue.markSeen(row.cluster, keys, row.receivedMs);
      }
      await tx.queue.remove(rows.map((row) => row.id));
    });
    for (const row of rows) this.handedOff.delete(row.id);
    for (const { row, keys, remember } of fresh) {
      if (remember) this.detectedKeys.add(row.cluster, keys, nowMs);
    }

    this.afterCommit(rows, touched, updates, created);
  }

  /**
   * Reads each row's events and leaves out those whose retry key was
   * detected before (a retry that reached another process, or came after
   * a restart) or appears earlier in these rows. Only this worker writes
   * keys, so checking before the transaction that records them is safe.
   *
   * Rows queued after the worker started were cleared of repeats by this
   * process's webhook, which keeps the keys of every batch it queued.
   * They are checked only against the keys in the worker's cache: those
   * stored before it started and those of the rows queued before then.
   */
  private dropRepeats(rows: QueueRow[]): FreshEvents[] {
    const fresh: FreshEvents[] = [];
    const earlier = new Set<string>();
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
      const backlog = row.id <= this.startId;
      if (!backlog && this.detectedKeys.size === 0) {
        fresh.push({ row, events, keys, remember: false });
        continue;
      }

      const seen = this.detectedKeys.find(row.cluster, keys);
      const kept: FreshEvents = {
        row,
        events: [],
        keys: [],
        remember: backlog,
      };
      for (const [i, event] of events.entries()) {
        const key = keys[i] as string;
        const scoped = `${row.cluster}\u0000${key}`;
        if (seen.has(key) || (backlog && earlier.has(scoped))) {
          addCount(this.delta.skipped, 'duplicate');
          continue;
        }
        if (backlog) earlier.add(scoped);
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

  private afterCommit(
    rows: QueueRow[],
    touched: Map<string, Touched>,
    updates: Map<string, TrackedAlert>,
    created: Alert[],
  ): void {
    for (const [id, tracked] of updates) this.tracked.set(id, tracked);
    for (const id of this.closed) this.tracked.delete(id);
    this.closed.clear();

    const delta = this.delta;
    const committedMs = Date.now();
    for (const { alert, receivedMs } of touched.values()) {
      delta.latencies.push((committedMs - receivedMs) / 1000);
      if (!created.includes(alert)) addCount(delta.repeated, alert.alertType);
    }
    for (const alert of created) {
      addCount(delta.created, alert.alertType);
      this.logger.info(
        {
          alertId: alert.id,
          alertType: alert.alertType,
          cluster: alert.cluster,
        },
        'alert created',
      );
    }

    for (const row of rows) delta.detected += row.eventCount;
    const before = this.engine.stats.beforeEnrolment;
    const skipped = before - this.engineBeforeEnrolment;
    this.engineBeforeEnrolment = before;
    if (skipped > 0) addCount(delta.skipped, 'before-enrolment', skipped);
    this.delta = emptyDelta();
    this.report(delta);
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
    this.delta = emptyDelta();
    this.engineBeforeEnrolment = 0;
    this.tracked.clear();
    this.closed.clear();
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
