import type { VigilEvent } from '../sources/event.js';
import type { IntelLookup } from './intel-lookup.js';
import type { ViewRegistry } from './views/view-registry.js';

/**
 * What one evaluation of the rules over one event shares: the event, the
 * views computed from it so far, and the items that `some` captured for
 * the rule being evaluated.
 */
export class EventContext {
  readonly captures = new Map<string, unknown[]>();
  private readonly computed = new Map<string, unknown>();

  constructor(
    readonly event: VigilEvent,
    readonly views: ViewRegistry,
    readonly intel: IntelLookup,
  ) {}

  /** Compute a view once per event; later calls return the cached value. */
  view(name: string): unknown {
    if (this.computed.has(name)) return this.computed.get(name);
    const compute = this.views.get(name);
    const value = compute ? compute(this.event) : undefined;
    this.computed.set(name, value);
    return value;
  }

  capture(name: string, items: unknown[]): void {
    const existing = this.captures.get(name);
    if (existing) existing.push(...items);
    else this.captures.set(name, items);
  }
}
