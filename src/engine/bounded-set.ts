/**
 * A set that remembers about the `capacity` most recently added keys, in
 * constant time per operation. Keys live in two generations: when the
 * current one fills to half the capacity it becomes the previous one and
 * the oldest generation is dropped. A key is forgotten after between
 * capacity/2 and capacity newer additions.
 */
export class BoundedSet<K> {
  private current = new Set<K>();
  private previous = new Set<K>();
  private readonly generationSize: number;

  constructor(capacity: number) {
    this.generationSize = Math.max(1, Math.floor(capacity / 2));
  }

  has(key: K): boolean {
    return this.current.has(key) || this.previous.has(key);
  }

  /** Add a key; returns false when it was already present. */
  add(key: K): boolean {
    if (this.previous.has(key)) return false;
    const current = this.current;
    const size = current.size;
    if (size < this.generationSize) {
      // The size shows whether the key was new, which spares a lookup.
      current.add(key);
      return current.size > size;
    }
    if (current.has(key)) return false;
    this.previous = current;
    this.current = new Set([key]);
    return true;
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }
}
