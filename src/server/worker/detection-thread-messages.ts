import type { SerializedIntel } from '../../intel/serialized-intel.js';
import type { QueueRow } from '../../store/ingest-queue.js';
import type { BodySummary } from '../ingest/body-summary.js';
import type { MetricsDelta } from './detection-metrics.js';

/** The settings with which the detection thread opens the store and rules. */
export interface DetectionThreadData {
  database: string | undefined;
  dataDir: string;
  rulesDir: string | undefined;
  logLevel: string;
  dedupeWindowSeconds: number;
  maxRetryKeys: number;
  /** The threat intelligence the engine starts with. */
  intel: SerializedIntel;
}

/** Messages from the main thread to the detection thread. */
export type ToDetectionThread =
  | { type: 'queued'; rows: QueueRow[]; discarded: number[] }
  | {
      type: 'normalize';
      id: number;
      body: string;
      cluster: string;
      maxEventBytes: number;
    }
  | { type: 'intel'; intel: SerializedIntel }
  | { type: 'drain'; timeoutMs: number };

/** Messages from the detection thread to the main thread. */
export type FromDetectionThread =
  | { type: 'started' }
  | { type: 'metrics'; delta: MetricsDelta }
  | { type: 'drained'; drained: boolean }
  | { type: 'normalized'; id: number; result: NormalizedBody }
  | { type: 'storage'; diskFull: false }
  | { type: 'storage'; diskFull: true; code: string; message: string };

/** The outcome of normalizing a webhook body on the detection thread. */
export type NormalizedBody = { summary: BodySummary } | { invalidJson: string };
