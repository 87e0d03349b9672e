import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { SerializedIntel } from '../../intel/serialized-intel.js';
import type { QueueRow } from '../../store/ingest-queue.js';
import type { StorageHealth } from '../../store/storage-health.js';
import type { BodySummary } from '../ingest/body-summary.js';
import type { ServerMetrics } from '../server-metrics.js';
import { applyDelta } from './detection-metrics.js';
import type {
  DetectionThreadData,
  FromDetectionThread,
  NormalizedBody,
  ToDetectionThread,
} from './detection-thread-messages.js';

/** A body that the detection thread normalized and keeps as `pendingId`. */
export type HeldBody =
  | { summary: BodySummary; pendingId: number }
  | { invalidJson: string };

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
  private readonly normalizing = new Map<
    number,
    (held: HeldBody | undefined) => void
  >();

  constructor(
    private readonly data: DetectionThreadData,
    private readonly metrics: ServerMetrics,
    private readonly logger: Logger,
    /** Records the thread's write outcomes, so /readyz reflects them. */
    private readonly health?: StorageHealth,
  ) {}

  /** True while a detection thread runs. */
  get running(): boolean {
    return this.started;
  }

  /** Starts the thread; resolves once it consumes the queue. */
  start(): Promise<void> {
    const worker = new Worker(
      new URL('./detection-thread-entry.js', import.meta.url),
      { workerData: this.data },
    );
    this.worker = worker;
    return new Promise((resolve, reject) => {
      worker.on('message', (message: FromDetectionThread) => {
        if (message.type === 'started') {
          this.started = true;
          resolve();
        } else if (message.type === 'metrics') {
          applyDelta(this.metrics, message.delta);
        } else if (message.type === 'normalized') {
          this.onNormalized(message.id, message.result);
        } else if (message.type === 'storage') {
          this.onStorage(message);
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
   * Normalizes a webhook body on the detection thread, which keeps the
   * events until the body is queued (`handOff`) or `discard`ed, so that
   * each body is parsed once. Resolves undefined while no thread runs,
   * or when it exits first: the caller then normalizes the body itself.
   */
  normalize(
    body: string,
    cluster: string,
    maxEventBytes: number,
  ): Promise<HeldBody | undefined> {
    if (!this.worker || !this.started) return Promise.resolve(undefined);
    const id = this.nextBodyId++;
    return new Promise((resolve) => {
      this.normalizing.set(id, resolve);
      this.post({ type: 'normalize', id, body, cluster, maxEventBytes });
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

  private onStorage(
    message: Extract<FromDetectionThread, { type: 'storage' }>,
  ): void {
    if (!message.diskFull) {
      this.health?.recordSuccess();
      return;
    }
    const error = Object.assign(new Error(message.message), {
      code: message.code,
    });
    this.health?.recordFailure(error);
  }

  private onNormalized(id: number, result: NormalizedBody): void {
    const resolve = this.normalizing.get(id);
    this.normalizing.delete(id);
    if ('invalidJson' in result) resolve?.(result);
    else resolve?.({ summary: result.summary, pendingId: id });
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
    for (const resolve of this.normalizing.values()) resolve(undefined);
    this.normalizing.clear();
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
