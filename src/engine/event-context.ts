import type { VigilEvent } from '../sources/event.js';
import type { IntelLookup } from './intel-lookup.js';
import type { ViewRegistry } from './views/view-registry.js';

const NO_CAPTURES: ReadonlyMap<string, unknown[]> = new Map();

/** Values whose intel categories one event remembers. */
const MAX_INTEL_VALUES = 4;

/**
 * What one evaluation of the rules over one event shares: the event, the
 * views computed from it so far, and the items that `some` captured for
 * the rule being evaluated. Both maps are created on first use, because
 * most events reach no view and capture nothing.
 */
export class EventContext {
  private captured: Map<string, unknown[]> | undefined;
  private computed: Map<string, unknown> | undefined;
  private readonly intelValues: string[] = [];
  private readonly intelCategories: (readonly string[])[] = [];

  constructor(
    public event: VigilEvent,
    readonly views: ViewRegistry,
    readonly intel: IntelLookup,
  ) {}

  /** Start over on another event, keeping the allocated maps. */
  reset(event: VigilEvent): void {
    this.event = event;
    // Map.clear allocates a fresh table, so unused maps are dropped
    // instead and made again only by events that need them.
    this.computed = undefined;
    this.captured = undefined;
    this.intelValues.length = 0;
  }

  /** Items captured for the current rule, by capture name. */
  get captures(): ReadonlyMap<string, unknown[]> {
    return this.captured ?? NO_CAPTURES;
  }

  /** Compute a view once per event; later calls return the cached value. */
  view(name: string): unknown {
    this.computed ??= new Map();
    if (this.computed.has(name)) return this.computed.get(name);
    const compute = this.views.get(name);
    const value = compute ? compute(this.event) : undefined;
    this.computed.set(name, value);
    return value;
  }

  /**
   * Look up the intel categories of a value. The first few values of an
   * event are remembered, because several rules test the same source
   * addresses.
   */
  categoriesOf(value: string): readonly string[] {
    const values = this.intelValues;
    for (let i = 0; i < values.length; i++) {
      if (values[i] === value) return this.intelCategories[i] ?? [];
    }
    const categories = this.intel.categoriesOf(value);
    if (values.length < MAX_INTEL_VALUES) {
      this.intelCategories[values.length] = categories;
      values.push(value);
    }
    return categories;
  }

  capture(name: string, items: unknown[]): void {
    this.captured ??= new Map();
    const existing = this.captured.get(name);
    if (existing) existing.push(...items);
    else this.captured.set(name, items);
  }

  /** Forget the captures of the previous rule. */
  clearCaptures(): void {
    if (this.captured !== undefined && this.captured.size > 0) {
      this.captured = undefined;
    }
  }
}
