import type { VigilEvent } from '../../sources/event.js';
import type { ValueGetter } from '../compile-condition.js';
import type { EventContext } from '../event-context.js';
import {
  type DetectorInstance,
  keyOf,
  touch,
  trim,
  valuesOf,
} from './detector.js';

export interface RareOperationOptions {
  by: ValueGetter[];
  operation: ValueGetter[];
  learningPeriodMs: number;
  maxKeys: number;
  maxOperationsPerKey: number;
}

interface Baseline {
  firstSeenMs: number;
  operations: Set<string>;
}

/**
 * Learns the operations of each identity (a service account) during a
 * learning period that starts with the identity's first event, then fires
 * once for each operation outside what it learned, and adds it to the
 * baseline. State is bounded by `maxKeys` identities (least recent dropped,
 * and relearned when seen again) and `maxOperationsPerKey`.
 */
export class RareOperationDetector implements DetectorInstance {
  private readonly baselines = new Map<string, Baseline>();

  constructor(private readonly options: RareOperationOptions) {}

  get size(): number {
    return this.baselines.size;
  }

  observe(event: VigilEvent, context: EventContext) {
    const options = this.options;
    const key = keyOf(options.by, event, context);
    const operation = valuesOf(options.operation, event, context).replaceAll(
      '\u0000',
      ' ',
    );

    let baseline = this.baselines.get(key);
    if (!baseline) {
      baseline = { firstSeenMs: event.timeMs, operations: new Set() };
    }
    touch(this.baselines, key, baseline);
    trim(this.baselines, options.maxKeys);

    const known = baseline.operations.has(operation);
    const full = baseline.operations.size >= options.maxOperationsPerKey;
    if (!known && !full) baseline.operations.add(operation);

    const learning =
      event.timeMs < baseline.firstSeenMs + options.learningPeriodMs;
    if (learning || known) return undefined;
    return { operation: [operation] };
  }
}
