import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { SerializedIntel } from '../../intel/serialized-intel.js';
import type { QueueRow } from '../../store/ingest-queue.js';
import type { BodySummary } from '../ingest/body-summary.js';
import type { DetectionOutcome } from './detection-outcome.js';
import type {
  DetectedBody,
  DetectedCounts,
  DetectionThreadData,
  FromDetectionThread,
  IngestRequest,
  NormalizedBody,
  ToDetectionThread,
} from './detection-thread-messages.js';

/**
 * The result of passing a webhook body to the detection thread. It is
 * one of: the events kept as `pendingId` until the body is queued, the
 * counts of a body detected at once with the write of its outcome, or
 * why the body is not JSON.
 */
export type IngestedBody =
  | { summary: BodySummary; pendingId: number }
  | { detected: DetectedCounts; stored: Promise<void> }
  | { invalidJson: string };

/**
 * Writes an outcome of the detection thread after those before it.
 * `responding` is true for a webhook body that waits for the write: a
 * failed write then rejects at once, while the outcome stays pending.
 */
export type StoreOutcome = (
  outcome: DetectionOutcome,
  responding: boolean,
) => Promise<void>;

/** Size of the detection thread's young generation, in MiB. */
const YOUNG_GENERATION_MB = 64;

/** Wait before restarting a detection thread that died, in milliseconds. */
const RESTART_DELAY_MS = 1000;

/**
 * Runs the detection worker in a worker thread and restarts it if it
 * dies: the queue keeps every unprocessed batch, so a restart loses
 * nothing. `running` is false while no thread runs, for /readyz.
 */
export class DetectionThread {
  private worker: Worker | undefined;
  private started = false;
  private stopping = false;
  private drained: ((drained: boolean) => void) | undefined;
  private nextBodyId = 1;
  private readonly ingesting = new Map<
    number,
    (ingested: IngestedBody | undefined) => void
  >();

  constructor(
    private readonly data: DetectionThreadData,
    private readonly logger: Logger,
    private readonly storeOutcome: StoreOutcome,
  ) {}

  /** True while a detection thread runs. */
  get running(): boolean {
    return this.started;
  }

  /** Starts the thread; resolves once it consumes the queue. */
  start(): Promise<void> {
    const worker = new Worker(
      new URL('./detection-thread-entry.js', import.meta.url),
      {
        workerData: this.data,
        // Each webhook body turns into hundreds of objects that die once
        // its events are detected. A young generation larger than V8's
        // default lets them die there instead of being promoted, which
        // measured about a fifth faster in bench/ingest-bench.ts.
        resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      },
    );
    this.worker = worker;
    return new Promise((resolve, reject) => {
      worker.on('message', (message: FromDetectionThread) => {
        if (message.type === 'started') {
          this.started = true;
          resolve();
        } else if (message.type === 'ingested') {
          this.onIngested(message.id, message.result);
        } else if (message.type === 'outcome') {
          const { id } = message;
          void this.storeOutcome(message.outcome, false).then(() =>
            this.post({ type: 'stored', id }),
          );
        } else {
          this.drained?.(message.drained);
        }
      });
      worker.on('error', (error) => {
        this.logger.error({ err: error }, 'detection thread failed');
        if (!this.started) reject(error);
      });
      worker.on('exit', (code) => this.onExit(code));
    });
  }

  /**
   * Passes a webhook body to the detection thread, which either detects
   * its events at once or keeps them until the body is queued
   * (`handOff`) or `discard`ed, so that each body is parsed once.
   * Resolves undefined while no thread runs, or when it exits first: the
   * caller then normalizes and queues the body itself.
   */
  ingest(
    request: Omit<IngestRequest, 'id'>,
  ): Promise<IngestedBody | undefined> {
    if (!this.worker || !this.started) return Promise.resolve(undefined);
    const id = this.nextBodyId++;
    return new Promise((resolve) => {
      this.ingesting.set(id, resolve);
      this.post({ type: 'ingest', id, ...request });
    });
  }

  /** Lets the thread drop the events of a body that will not be queued. */
  discard(pendingId: number): void {
    this.post({ type: 'queued', rows: [], discarded: [pendingId] });
  }

  /**
   * Passes just committed queue rows to the thread, which then need not
   * read them back, and ends its idle wait. `discarded` lists held bodies
   * that queued nothing.
   */
  handOff(rows: QueueRow[], discarded: number[] = []): void {
    this.post({ type: 'queued', rows, discarded });
  }

  private onIngested(id: number, result: NormalizedBody | DetectedBody): void {
    const resolve = this.ingesting.get(id);
    this.ingesting.delete(id);
    if ('invalidJson' in result) {
      resolve?.(result);
    } else if ('detected' in result) {
      // The write is queued here, in the order of the thread's messages,
      // so that outcomes are written in the order they were detected.
      const stored = this.storeOutcome(result.outcome, true);
      // The caller awaits it; this keeps a failure from counting as
      // unhandled before then.
      stored.catch(() => {});
      resolve?.({ detected: result.detected, stored });
    } else {
      resolve?.({ summary: result.summary, pendingId: id });
    }
  }

  /**
   * Lets the thread process what is queued, then stops it; resolves false
   * when `timeoutMs` passed first and batches stay queued.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    this.stopping = true;
    if (!this.worker || !this.started) return true;
    const done = new Promise<boolean>((resolve) => {
      this.drained = resolve;
    });
    this.post({ type: 'drain', timeoutMs });
    const drained = await done;
    await this.worker?.terminate();
    return drained;
  }

  /**
   * Replaces the thread's threat intelligence; a thread started later,
   * after a restart, starts with it too.
   */
  setIntel(intel: SerializedIntel): void {
    this.data.intel = intel;
    this.post({ type: 'intel', intel });
  }

  private post(message: ToDetectionThread): void {
    this.worker?.postMessage(message);
  }

  private onExit(code: number): void {
    const wasStarted = this.started;
    this.started = false;
    this.worker = undefined;
    for (const resolve of this.ingesting.values()) resolve(undefined);
    this.ingesting.clear();
    if (this.stopping) return;
    this.logger.error({ code }, 'detection thread exited; restarting');
    this.drained?.(false);
    if (!wasStarted) return;
    setTimeout(() => {
      this.start().catch((error: unknown) => {
        this.logger.error({ err: error }, 'detection thread restart failed');
      });
    }, RESTART_DELAY_MS).unref();
  }
}
