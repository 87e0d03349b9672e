import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Alert } from '../alerts/alert.js';
import { AGENT_PATHS, type AgentIdentity } from './agent-protocol.js';
import type { ServerClient } from './server-client.js';
import type { Spool } from './spool.js';

export interface UploaderOptions {
  /** Alerts per request. */
  batchSize?: number;
  /** First retry delay in milliseconds; doubled per failure. */
  initialBackoffMs?: number;
  /** Longest retry delay in milliseconds. */
  maxBackoffMs?: number;
}

/** Counters of the uploader. */
export interface UploaderStats {
  batches: number;
  delivered: number;
  failures: number;
}

function batchIdOf(alerts: Alert[]): string {
  const hash = createHash('sha256');
  for (const alert of alerts) hash.update(`${alert.id}:${alert.count}\n`);
  return hash.digest('hex').slice(0, 32);
}

/**
 * Sends spooled alerts to the server in batches, oldest first. A batch is
 * acknowledged in the spool only after the server answers 2xx; failures
 * are retried with exponential backoff and jitter, so an outage delays
 * alerts but loses none while the spool has room.
 */
export class AlertUploader {
  readonly stats: UploaderStats = { batches: 0, delivered: 0, failures: 0 };
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private backoffMs: number;
  private readonly batchSize: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(
    private readonly spool: Spool,
    private readonly client: ServerClient,
    private readonly identity: AgentIdentity,
    private readonly logger: Logger,
    options: UploaderOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.initialBackoffMs = options.initialBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
    this.backoffMs = this.initialBackoffMs;
  }

  /** Sends soon: call after appending to the spool. */
  wake(): void {
    if (this.stopped || this.running || this.timer) return;
    this.schedule(0);
  }

  /** Stops sending; waits for a request in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Sends until the spool is empty or a request fails. */
  async drain(): Promise<boolean> {
    for (;;) {
      const items = this.spool.peek(this.batchSize);
      if (items.length === 0) return true;
      const alerts = items.filter((item): item is Alert => item !== undefined);
      try {
        if (alerts.length > 0) {
          await this.client.post(AGENT_PATHS.alerts, {
            ...this.identity,
            batchId: batchIdOf(alerts),
            alerts,
          });
        }
      } catch (error) {
        this.stats.failures++;
        this.logger.warn(
          { err: error, pending: items.length, retryMs: this.backoffMs },
          'alert upload failed',
        );
        return false;
      }
      this.spool.acknowledge(items.length);
      this.stats.batches++;
      this.stats.delivered += alerts.length;
      this.backoffMs = this.initialBackoffMs;
    }
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.drain().then((done) => {
        this.running = undefined;
        if (this.stopped) return;
        if (!done) {
          const jitter = 0.5 + Math.random() / 2;
          this.schedule(this.backoffMs * jitter);
          this.backoffMs = Math.min(this.backoffMs * 2, this.maxBackoffMs);
        } else if (this.spool.peek(1).length > 0) {
          this.schedule(0);
        }
      });
    }, delayMs);
    this.timer.unref?.();
  }
}
