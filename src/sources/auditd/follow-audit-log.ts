import {
  closeSync,
  type FSWatcher,
  fstatSync,
  openSync,
  readSync,
  statSync,
  watch,
} from 'node:fs';
import { MAX_AUDIT_LINE_BYTES } from './parse-audit-line.js';

const NEWLINE = 0x0a;
const EMPTY = Buffer.alloc(0);

/** Counters of a followed log. */
export interface FollowStats {
  lines: number;
  bytes: number;
  rotations: number;
  truncations: number;
  /** Lines longer than the limit, dropped. */
  oversizedLines: number;
  /** Reads of the file, by timer or by notification. */
  polls: number;
  /** Times an idle, watched file was woken by a change notification. */
  wakeups: number;
}

export interface FollowOptions {
  /** Start at the end of the current file (default) or at its start. */
  fromStart?: boolean;
  /** Milliseconds between reads while lines keep arriving. */
  pollMs?: number;
  /**
   * Milliseconds between reads of an idle file that is watched for
   * changes. The reads catch a notification that was missed.
   */
  idlePollMs?: number;
  /**
   * Watch an idle file for changes (inotify on Linux) rather than poll it
   * every `pollMs`. True by default. The follower falls back to polling
   * when the watch cannot be set up.
   */
  watch?: boolean;
  /** Bytes read per call; a poll reads until the end of the file. */
  chunkBytes?: number;
}

/** Milliseconds between reads of a watched idle file, by default. */
export const DEFAULT_IDLE_POLL_MS = 5000;

/**
 * Follows a log file the way `tail -F` does: reads lines as they are
 * appended, and survives rotation by rename (the old file is read to its
 * end, then the new file from its start) and by truncation (reading
 * restarts at offset 0). A missing file is waited for. Lines are passed
 * to `onLine` with their line number in the current file.
 *
 * While lines arrive, the file is read every `pollMs`, so that a busy
 * log costs one read per interval and not one wake-up per write. Once a
 * read finds nothing new, the follower watches the file and sleeps. The
 * first change notification schedules the next read `pollMs` later, so
 * that the records written meanwhile are read in one batch. The file is
 * read with synchronous calls: auditd has just written what a poll
 * reads, so it comes from the page cache, and a thread-pool round trip
 * per call cost more than the reads themselves.
 */
export class AuditLogFollower {
  readonly stats: FollowStats = {
    lines: 0,
    bytes: 0,
    rotations: 0,
    truncations: 0,
    oversizedLines: 0,
    polls: 0,
    wakeups: 0,
  };
  private fd: number | undefined;
  private inode = -1;
  private position = 0;
  private lineNumber = 0;
  /** Bytes of a line whose newline has not been read yet. */
  private pending: Buffer = EMPTY;
  private dropping = false;
  private timer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private watchFailed = false;
  private stopped = false;
  private readonly buffer: Buffer;
  private readonly pollMs: number;
  private readonly idlePollMs: number;

  constructor(
    readonly path: string,
    private readonly onLine: (line: string, lineNumber: number) => void,
    private readonly options: FollowOptions = {},
  ) {
    this.buffer = Buffer.alloc(options.chunkBytes ?? 256 * 1024);
    this.pollMs = options.pollMs ?? 200;
    this.idlePollMs = options.idlePollMs ?? DEFAULT_IDLE_POLL_MS;
    this.watchFailed = options.watch === false;
  }

  /** Opens the file and starts following it. */
  async start(): Promise<void> {
    this.reopen(this.options.fromStart ? 'start' : 'end');
    this.schedule(this.pollMs);
  }

  /** Stops following after reading what is already in the file. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.unwatch();
    await this.poll();
    this.close();
  }

  /** Reads everything appended since the last poll. */
  async poll(): Promise<void> {
    this.pollNow(true);
  }

  /**
   * Reads what is new and returns true when anything was read or the
   * file was truncated or replaced. A timer's read that found lines skips
   * the truncation and rotation checks, because after either one the
   * next read finds nothing and makes them.
   */
  private pollNow(thorough: boolean): boolean {
    this.stats.polls++;
    if (this.fd === undefined) this.reopen('start');
    if (this.fd === undefined) return false;
    const appended = this.readToEnd() > 0;
    if (appended && !thorough) return true;

    if (fstatSync(this.fd).size < this.position) {
      this.stats.truncations++;
      this.position = 0;
      this.lineNumber = 0;
      this.pending = EMPTY;
      this.readToEnd();
      return true;
    }
    const current = statSync(this.path, { throwIfNoEntry: false });
    if (!current || current.ino === this.inode) return appended;
    // The file was renamed away. What the old file still got is read
    // above, then the new file is read from its start.
    this.stats.rotations++;
    this.readToEnd();
    this.flushPending();
    this.close();
    this.reopen('start');
    this.readToEnd();
    return true;
  }

  private tick(): void {
    this.timer = undefined;
    if (this.stopped) return;
    let changed = false;
    try {
      changed = this.pollNow(false);
    } catch {
      // A failed read is retried at the next poll.
    }
    const idle = !changed && this.watchIdle();
    this.schedule(idle ? this.idlePollMs : this.pollMs);
  }

  /**
   * Watches the open file until it changes. Returns false when it cannot
   * be watched, so that the caller keeps polling.
   */
  private watchIdle(): boolean {
    if (this.watchFailed || this.fd === undefined) return false;
    if (this.watcher) return true;
    try {
      this.watcher = watch(this.path, { persistent: false }, () => this.wake());
    } catch {
      this.watchFailed = true;
      return false;
    }
    this.watcher.on('error', () => {
      this.watchFailed = true;
      this.wake();
    });
    // A write between the last read and the watch sent no notification,
    // so the file is read again as if it were busy.
    if (fstatSync(this.fd).size === this.position) return true;
    this.unwatch();
    return false;
  }

  /** Ends an idle wait, so that the next read comes `pollMs` from now. */
  private wake(): void {
    if (this.stopped || !this.watcher) return;
    this.stats.wakeups++;
    this.unwatch();
    if (this.timer) clearTimeout(this.timer);
    this.schedule(this.pollMs);
  }

  private unwatch(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.tick(), ms);
    this.timer.unref?.();
  }

  private close(): void {
    this.unwatch();
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private reopen(at: 'start' | 'end'): void {
    try {
      this.fd = openSync(this.path, 'r');
    } catch {
      this.fd = undefined;
      return;
    }
    const info = fstatSync(this.fd);
    this.inode = info.ino;
    this.position = at === 'end' ? info.size : 0;
    this.lineNumber = 0;
    this.pending = EMPTY;
    this.dropping = false;
  }

  /** Reads to the end of the file and returns the number of bytes read. */
  private readToEnd(): number {
    if (this.fd === undefined) return 0;
    let total = 0;
    for (;;) {
      const bytesRead = readSync(
        this.fd,
        this.buffer,
        0,
        this.buffer.length,
        this.position,
      );
      if (bytesRead === 0) return total;
      total += bytesRead;
      this.position += bytesRead;
      this.stats.bytes += bytesRead;
      this.split(this.buffer, bytesRead);
      // A short read reached the end, so the read that would return 0 is
      // skipped.
      if (bytesRead < this.buffer.length) return total;
    }
  }

  /**
   * Splits bytes into lines at 0x0A, which never occurs inside a UTF-8
   * sequence. Each line is decoded on its own, so that a line, and every
   * field sliced from it, does not keep the whole chunk alive.
   */
  private split(bytes: Buffer, length: number): void {
    let start = 0;
    for (;;) {
      const end = bytes.indexOf(NEWLINE, start);
      if (end === -1 || end >= length) break;
      this.lineNumber++;
      if (this.dropping) {
        this.dropping = false;
        this.pending = EMPTY;
      } else if (this.pending.length === 0) {
        this.deliver(bytes.toString('utf8', start, end));
      } else {
        const line = Buffer.concat([this.pending, bytes.subarray(start, end)]);
        this.pending = EMPTY;
        this.deliver(line.toString('utf8'));
      }
      start = end + 1;
    }
    if (this.dropping || start === length) return;
    // The buffer is reused by the next read, so the rest is copied.
    this.pending = Buffer.concat([this.pending, bytes.subarray(start, length)]);
    if (this.pending.length > MAX_AUDIT_LINE_BYTES) {
      // The rest of this line is skipped up to its newline.
      this.stats.oversizedLines++;
      this.dropping = true;
      this.pending = EMPTY;
    }
  }

  private flushPending(): void {
    if (this.pending.length > 0 && !this.dropping) {
      this.lineNumber++;
      this.deliver(this.pending.toString('utf8'));
    }
    this.pending = EMPTY;
  }

  private deliver(line: string): void {
    this.stats.lines++;
    this.onLine(line, this.lineNumber);
  }
}
