import type { VigilEvent } from '../../sources/event.js';
import type { ValueGetter } from '../compile-condition.js';
import { MAX_ENTITY_STRING } from '../entities.js';
import type { EventContext } from '../event-context.js';
import type { Evaluator } from '../predicates/predicate-registry.js';
import { type DetectorInstance, keyOf, touch, trim } from './detector.js';

export interface FollowedByOptions {
  by: ValueGetter[];
  /** Passes on the earlier event of a pair. */
  first: Evaluator;
  /** Passes on the later event of a pair. */
  later: Evaluator;
  windowMs: number;
  /** Most keys remembered at once. */
  maxKeys: number;
}

/** The details a followed-by alert carries. */
export const FOLLOWED_BY_DETAILS = ['first'];

interface Remembered {
  timeMs: number;
  description: string;
}

/**
 * Correlates two events of one key, such as a read of a service account
 * token and a later connection to the API server from the same container.
 * An event that passes `first` is remembered under its key and raises
 * nothing. An event that passes `later` raises when its key remembers a
 * `first` event at most `windowMs` earlier in event time. Events that
 * pass the rule's condition but neither `first` nor `later` raise as in a
 * stateless rule, so one rule can combine direct signs with a sequence.
 * State is the latest `first` event per key, bounded by `maxKeys` (least
 * recently seen dropped).
 */
export class FollowedByDetector implements DetectorInstance {
  private readonly remembered = new Map<string, Remembered>();

  constructor(private readonly options: FollowedByOptions) {}

  get size(): number {
    return this.remembered.size;
  }

  observe(
    event: VigilEvent,
    context: EventContext,
  ): Record<string, string[]> | undefined {
    const { by, first, later, windowMs, maxKeys } = this.options;
    if (first(event, context)) {
      const key = keyOf(by, event, context);
      touch(this.remembered, key, {
        timeMs: event.timeMs,
        description: describe(event),
      });
      trim(this.remembered, maxKeys);
      return undefined;
    }
    if (!later(event, context)) return {};

    const key = keyOf(by, event, context);
    const earlier = this.remembered.get(key);
    if (!earlier) return undefined;
    const elapsed = event.timeMs - earlier.timeMs;
    if (elapsed < 0 || elapsed > windowMs) return undefined;
    return { first: [earlier.description] };
  }
}

/** Describe an event as its kind and what it touched or ran. */
function describe(event: VigilEvent): string {
  let text: string = event.kind;
  if (event.kind === 'file') {
    text = `${event.file.operation} ${event.file.path} by ${event.process.exe}`;
  } else if (event.kind === 'process') {
    text = `exec ${event.process.argv.join(' ')}`;
  } else if (event.kind === 'network') {
    const { remoteAddress, remotePort } = event.network;
    text = `connect ${remoteAddress}:${remotePort} by ${event.process.exe}`;
  }
  return text.slice(0, MAX_ENTITY_STRING);
}
