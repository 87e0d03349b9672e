import type { K8sAuditEvent } from '../../sources/event.js';
import type { AuditProblem } from '../../sources/k8s-audit/audit-problem.js';
import { normalizeAuditValue } from '../../sources/k8s-audit/normalize-audit-value.js';
import type { QueueCandidate } from '../../store/ingest-queue.js';
import { eventKey, exceedsBytes } from './prepare-events.js';
import { bodyLength, parseBody, type SplitBody } from './split-event-list.js';

/**
 * The parts of a normalized request body that the webhook needs to
 * respond and to queue it: for each event by position, its time and
 * retry key, and the positions of events too large to keep. The events
 * themselves may stay on the detection thread that normalized the body.
 */
export interface BodySummary {
  timesMs: number[];
  keys: string[];
  /** Positions of events whose JSON exceeds the per-event limit. */
  tooLarge: number[];
  /**
   * Positions of events that the detection thread already detected,
   * found when it keeps a body for the queue.
   */
  repeats?: number[];
  problems: AuditProblem[];
  /** Whether the body is an `EventList`, which may hold no event. */
  eventList: boolean;
}

/**
 * Bytes by which a normalized event's JSON can exceed the event in the
 * body at most. It repeats the audit ID as `id` (at most 1,024
 * characters of up to 6 bytes each as JSON) and adds the fields around
 * the audit record, which is never longer than the event it came from.
 */
const NORMALIZED_GROWTH = 8 * 1024;

/** A summarized body with its events, or the reason it is not JSON. */
export type SummarizedBody =
  | { summary: BodySummary; events: K8sAuditEvent[] }
  | { invalidJson: string };

/**
 * Parses and normalizes a webhook body, whole or split by
 * splitEventList, attributing every event to `cluster` whatever the
 * body names. Events are measured against `maxEventBytes` only when
 * the body comes within NORMALIZED_GROWTH of it, since no event grows
 * past its part of the body by more.
 */
export function summarizeBody(
  body: string | SplitBody,
  cluster: string,
  maxEventBytes: number,
): SummarizedBody {
  let value: unknown;
  try {
    value = parseBody(body);
  } catch (error) {
    return { invalidJson: error instanceof Error ? error.message : 'invalid' };
  }

  const out = normalizeAuditValue(value, {
    format: 'k8s-audit',
    defaultCluster: cluster,
  });
  const events = out.events as K8sAuditEvent[];
  // An event's JSON can exceed its part of the body by NORMALIZED_GROWTH.
  const limit = maxEventBytes - NORMALIZED_GROWTH;
  const measure =
    bodyLength(body) * 3 > limit &&
    (typeof body !== 'string' || Buffer.byteLength(body, 'utf8') > limit);
  const summary: BodySummary = {
    timesMs: [],
    keys: [],
    tooLarge: [],
    problems: out.problems,
    eventList: isEventList(value),
  };
  for (const [index, event] of events.entries()) {
    event.cluster = cluster;
    summary.timesMs.push(event.timeMs);
    summary.keys.push(eventKey(event));
    if (measure && exceedsBytes(JSON.stringify(event), maxEventBytes)) {
      summary.tooLarge.push(index);
    }
  }
  return { summary, events };
}

/** Candidates of a summarized body and the events counted out. */
export interface PreparedBody {
  candidates: QueueCandidate[];
  /** Events from before the cluster's enrolment time. */
  beforeEnrolment: number;
  /** Events whose JSON exceeds the per-event limit. */
  tooLarge: number;
  /** Events already detected (`BodySummary.repeats`). */
  duplicates: number;
}

/**
 * Picks the events of a summarized body to queue, leaving out and
 * counting those before the enrolment time, those too large and those
 * already detected.
 */
export function prepareBody(
  summary: BodySummary,
  enrolledMs: number,
): PreparedBody {
  const prepared: PreparedBody = {
    candidates: [],
    beforeEnrolment: 0,
    tooLarge: 0,
    duplicates: 0,
  };
  const tooLarge = new Set(summary.tooLarge);
  const repeats = new Set(summary.repeats);
  for (const [index, timeMs] of summary.timesMs.entries()) {
    if (timeMs < enrolledMs) {
      prepared.beforeEnrolment++;
    } else if (tooLarge.has(index)) {
      prepared.tooLarge++;
    } else if (repeats.has(index)) {
      prepared.duplicates++;
    } else {
      prepared.candidates.push({ index, key: summary.keys[index] as string });
    }
  }
  return prepared;
}

/** An event dropped for its size, as the webhook's response lists it. */
export interface TooLargeProblem {
  code: 'event-too-large';
  reason: string;
  auditID: string;
  stage: string;
}

/**
 * Lists the events that prepareBody counts as too large, so that the
 * response names each event that no rule saw.
 */
export function tooLargeProblems(
  summary: BodySummary,
  enrolledMs: number,
  maxEventBytes: number,
): TooLargeProblem[] {
  const problems: TooLargeProblem[] = [];
  for (const index of summary.tooLarge) {
    if ((summary.timesMs[index] as number) < enrolledMs) continue;
    const [auditID = '', stage = ''] = JSON.parse(
      summary.keys[index] as string,
    ) as string[];
    problems.push(tooLargeProblem(auditID, stage, maxEventBytes));
  }
  return problems;
}

/** Returns the response's entry for one event dropped for its size. */
export function tooLargeProblem(
  auditID: string,
  stage: string,
  maxEventBytes: number,
): TooLargeProblem {
  return {
    code: 'event-too-large',
    reason: `event larger than maxEventBytes (${maxEventBytes} bytes), dropped before detection`,
    auditID,
    stage,
  };
}

function isEventList(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { items?: unknown }).items)
  );
}
