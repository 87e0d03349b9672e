import type { VigilEvent } from '../../sources/event.js';
import type { ValueGetter } from '../compile-condition.js';
import type { EventContext } from '../event-context.js';

/**
 * Per-engine state of a stateful rule. `observe` sees every event that
 * passed the rule's condition and exceptions, and returns details for the
 * alert when the detector fires, or undefined.
 */
export interface DetectorInstance {
  observe(
    event: VigilEvent,
    context: EventContext,
  ): Record<string, string[]> | undefined;
  /** Keys currently held, for bounds checks and metrics. */
  readonly size: number;
}

/** Join the values of several fields into one key string. */
export function keyOf(
  readers: ValueGetter[],
  event: VigilEvent,
  context: EventContext,
): string {
  return `${event.cluster}\u0000${valuesOf(readers, event, context)}`;
}

/** Join the values of several fields with NUL, which no field contains. */
export function valuesOf(
  readers: ValueGetter[],
  event: VigilEvent,
  context: EventContext,
): string {
  let joined = '';
  for (let i = 0; i < readers.length; i++) {
    const value = (readers[i] as ValueGetter)(event, context);
    if (i > 0) joined += '\u0000';
    joined += typeof value === 'string' ? value : JSON.stringify(value ?? null);
  }
  return joined;
}

/** Move a key to the back of a Map, so the front holds the least recent. */
export function touch<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
}

/** Drop the least recently used entries of a Map beyond `max`. */
export function trim<K, V>(map: Map<K, V>, max: number): void {
  while (map.size > max) {
    const oldest = map.keys().next().value as K;
    map.delete(oldest);
  }
}
