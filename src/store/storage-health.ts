import { isDiskFullError } from './disk-full-error.js';

/** A change of the database's ability to take writes. */
export type StorageHealthEvent =
  | { type: 'disk-full'; error: unknown }
  | { type: 'recovered' };

/**
 * The database's ability to take writes, as the last recorded write
 * showed: lost from a write that failed for lack of disk space until a
 * write succeeds. Other failures leave it as it is, because they are not
 * about space. /readyz reads it through WriteReadiness.
 */
export class StorageHealth {
  private fullError: unknown;
  private diskFull = false;
  private readonly listeners: ((event: StorageHealthEvent) => void)[] = [];

  /** True unless the last recorded write failed for lack of disk space. */
  get writable(): boolean {
    return !this.diskFull;
  }

  /** The disk-full error of the last write while not writable. */
  get lastError(): unknown {
    return this.fullError;
  }

  /**
   * Calls `listener` on every write that fails for lack of disk space,
   * and on the first write that succeeds after one.
   */
  onChange(listener: (event: StorageHealthEvent) => void): void {
    this.listeners.push(listener);
  }

  /** Records a failed write; returns true when the disk was full. */
  recordFailure(error: unknown): boolean {
    if (!isDiskFullError(error)) return false;
    this.diskFull = true;
    this.fullError = error;
    this.emit({ type: 'disk-full', error });
    return true;
  }

  /** Records a committed write. */
  recordSuccess(): void {
    if (!this.diskFull) return;
    this.diskFull = false;
    this.fullError = undefined;
    this.emit({ type: 'recovered' });
  }

  /** Runs `write` and records whether it succeeded. */
  async track<T>(write: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await write();
    } catch (error) {
      this.recordFailure(error);
      throw error;
    }
    this.recordSuccess();
    return result;
  }

  private emit(event: StorageHealthEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
