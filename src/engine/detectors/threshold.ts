import type { VigilEvent } from '../../sources/event.js';
import type { ValueGetter } from '../compile-condition.js';
import type { EventContext } from '../event-context.js';
import { type DetectorInstance, keyOf, touch, trim } from './detector.js';

export interface ThresholdOptions {
  by: ValueGetter[];
  distinct: ValueGetter | undefined;
  count: number;
  windowMs: number;
  maxKeys: number;
}

/**
 * Fires when one key reaches `count` events, or `count` distinct values of
 * a field, within a sliding window of event time. After firing the key
 * starts counting afresh, so a long burst raises one alert per `count`.
 */
export class ThresholdDetector implements DetectorInstance {
  private readonly keys = new Map<string, Map<string, number>>();

  constructor(private readonly options: ThresholdOptions) {}

  get size(): number {
    return this.keys.size;
  }

  observe(event: VigilEvent, context: EventContext) {
    const { by, distinct, count, windowMs, maxKeys } = this.options;
    const key = keyOf(by, event, context);
    const seen = this.keys.get(key) ?? new Map<string, number>();
    touch(this.keys, key, seen);
    trim(this.keys, maxKeys);

    const value = distinct ? distinct(event, context) : event.id;
    const member = typeof value === 'string' ? value : JSON.stringify(value);
    touch(seen, member, event.timeMs);
    for (const [item, time] of seen) {
      if (time >= event.timeMs - windowMs) break;
      seen.delete(item);
    }
    // A key never holds more members than it needs to fire.
    trim(seen, count);

    if (seen.size < count) return undefined;
    const members = [...seen.keys()];
    this.keys.delete(key);
    return { observed: [String(members.length)], values: members.slice(0, 20) };
  }
}
