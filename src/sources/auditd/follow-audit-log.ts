import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
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
}

export interface FollowOptions {
  /** Start at the end of the current file (default) or at its start. */
  fromStart?: boolean;
  /** Milliseconds between checks for new data and rotation. */
  pollMs?: number;
  /** Bytes read per call; a poll reads until the end of the file. */
  chunkBytes?: number;
}

/**
 * Follows a log file the way `tail -F` does: reads lines as they are
 * appended, and survives rotation by rename (the old file is read to its
 * end, then the new file from its start) and by truncation (reading
 * restarts at offset 0). A missing file is waited for. Lines are passed
 * to `onLine` with their line number in the current file.
 *
 * The file is read with synchronous calls: auditd has just written what a
 * poll reads, so it comes from the page cache, and a thread-pool round
 * trip per call cost more than the reads themselves.
 */
export class AuditLogFollower {
  readonly stats: FollowStats = {
    lines: 0,
    bytes: 0,
    rotations: 0,
    truncations: 0,
    oversizedLines: 0,
  };
  private fd: number | undefined;
  private inode = -1;
  private position = 0;
  private lineNumber = 0;
  /** Bytes of a line whose newline has not been read yet. */
  private pending: Buffer = EMPTY;
  private dropping = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly buffer: Buffer;

  constructor(
    readonly path: string,
    private readonly onLine: (line: string, lineNumber: number) => void,
    private readonly options: FollowOptions = {},
  ) {
    this.buffer = Buffer.alloc(options.chunkBytes ?? 256 * 1024);
  }

  /** Opens the file and starts polling. */
  async start(): Promise<void> {
    this.reopen(this.options.fromStart ? 'start' : 'end');
    this.schedule();
  }

  /** Stops polling after reading what is already in the file. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.poll();
    this.close();
  }

  /** Reads everything appended since the last poll. */
  async poll(): Promise<void> {
    this.pollNow();
  }

  private pollNow(): void {
    if (this.fd === undefined) this.reopen('start');
    if (this.fd === undefined) return;
    const size = fstatSync(this.fd).size;
    if (size < this.position) {
      this.stats.truncations++;
      this.position = 0;
      this.lineNumber = 0;
      this.pending = EMPTY;
    }
    this.readToEnd();

    const current = statSync(this.path, { throwIfNoEntry: false });
    if (current && current.ino !== this.inode) {
      // Renamed away: what the old file still gets is read above, then
      // the new file is read from its start.
      this.stats.rotations++;
      this.readToEnd();
      this.flushPending();
      this.close();
      this.reopen('start');
      this.readToEnd();
    }
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      try {
        this.pollNow();
      } catch {
        // A failed read is retried at the next poll.
      }
      this.schedule();
    }, this.options.pollMs ?? 200);
    this.timer.unref?.();
  }

  private close(): void {
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

  private readToEnd(): void {
    if (this.fd === undefined) return;
    for (;;) {
      const bytesRead = readSync(
        this.fd,
        this.buffer,
        0,
        this.buffer.length,
        this.position,
      );
      if (bytesRead === 0) return;
      this.position += bytesRead;
      this.stats.bytes += bytesRead;
      this.split(this.buffer, bytesRead);
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
