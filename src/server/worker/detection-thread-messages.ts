import type { SerializedIntel } from '../../intel/serialized-intel.js';
import type { QueueRow } from '../../store/ingest-queue.js';
import type { BodySummary } from '../ingest/body-summary.js';
import type { SplitBody } from '../ingest/split-event-list.js';
import type { DetectionOutcome } from './detection-outcome.js';

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

/** A webhook body for the detection thread, from an authenticated cluster. */
export interface IngestRequest {
  id: number;
  /** The body's text, or its parts when it is a large `EventList`. */
  body: string | SplitBody;
  cluster: string;
  enrolledMs: number;
  maxEventBytes: number;
  receivedMs: number;
}

/** Messages from the main thread to the detection thread. */
export type ToDetectionThread =
  | { type: 'queued'; rows: QueueRow[]; discarded: number[] }
  | ({ type: 'ingest' } & IngestRequest)
  | { type: 'stored'; id: number }
  | { type: 'intel'; intel: SerializedIntel }
  | { type: 'drain'; timeoutMs: number };

/** Messages from the detection thread to the main thread. */
export type FromDetectionThread =
  | { type: 'started' }
  | { type: 'drained'; drained: boolean }
  | { type: 'ingested'; id: number; result: NormalizedBody | DetectedBody }
  | { type: 'outcome'; id: number; outcome: DetectionOutcome };

/** The outcome of normalizing a webhook body to queue it. */
export type NormalizedBody = { summary: BodySummary } | { invalidJson: string };

/** The counts of a webhook body detected without being queued. */
export interface DetectedCounts {
  received: number;
  /** Events detected: not repeats, after enrolment, within the size limit. */
  queued: number;
  duplicates: number;
  beforeEnrolment: number;
  tooLarge: number;
  problems: BodySummary['problems'];
  /** The events dropped for their size, after enrolment. */
  tooLargeEvents: { auditID: string; stage: string }[];
  /** Whether the body is an `EventList`, which may hold no event. */
  eventList: boolean;
}

/** A webhook body detected as it arrived, and the outcome to write. */
export interface DetectedBody {
  detected: DetectedCounts;
  outcome: DetectionOutcome;
}
