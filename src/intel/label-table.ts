import type { IntelCategory } from './categories.js';
import { INTEL_CATEGORIES } from './categories.js';

/** A category as one feed lists it. */
export interface IntelLabel {
  category: IntelCategory;
  source: string;
}

const CATEGORY_ORDER = new Map<string, number>(
  INTEL_CATEGORIES.map((c, i) => [c, i]),
);

/**
 * Interns labels and sets of labels, so that each address interval and
 * each exact value stores one number, and the categories of every set
 * are computed once. Set 0 is the empty set.
 */
export class LabelTable {
  readonly labels: IntelLabel[] = [];
  /** Label ids of each set, ascending. */
  readonly sets: number[][] = [[]];
  /** Categories of each set, in INTEL_CATEGORIES order, without repeats. */
  readonly categories: (readonly string[])[] = [[]];
  private readonly labelIds = new Map<string, number>();
  private readonly setIds = new Map<string, number>([['', 0]]);
  private readonly unions = new Map<string, number>();

  /** The id of a label, added on first use. */
  label(category: IntelCategory, source: string): number {
    const key = `${category}\u0000${source}`;
    let id = this.labelIds.get(key);
    if (id === undefined) {
      id = this.labels.length;
      this.labels.push({ category, source });
      this.labelIds.set(key, id);
    }
    return id;
  }

  /** The id of the set of these label ids, given ascending. */
  set(labelIds: readonly number[]): number {
    const key = labelIds.join(',');
    let id = this.setIds.get(key);
    if (id !== undefined) return id;
    id = this.sets.length;
    this.sets.push([...labelIds]);
    const found = new Set(labelIds.map((l) => this.labelAt(l).category));
    this.categories.push(
      [...found].sort(
        (a, b) => (CATEGORY_ORDER.get(a) ?? 0) - (CATEGORY_ORDER.get(b) ?? 0),
      ),
    );
    this.setIds.set(key, id);
    return id;
  }

  /** The id of the union of two sets. */
  union(a: number, b: number): number {
    if (a === b || b === 0) return a;
    if (a === 0) return b;
    const key = a < b ? `${a},${b}` : `${b},${a}`;
    let id = this.unions.get(key);
    if (id === undefined) {
      const merged = new Set([...this.labelsOf(a), ...this.labelsOf(b)]);
      id = this.set([...merged].sort((x, y) => x - y));
      this.unions.set(key, id);
    }
    return id;
  }

  labelsOf(set: number): readonly number[] {
    return this.sets[set] ?? [];
  }

  labelAt(id: number): IntelLabel {
    const label = this.labels[id];
    if (!label) throw new RangeError(`no intel label ${id}`);
    return label;
  }
}
