import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/** Counters of the spool. */
export interface SpoolStats {
  appended: number;
  acknowledged: number;
  /** Items dropped because the spool reached its size limit. */
  dropped: number;
  bytes: number;
}

export interface SpoolOptions {
  /** Bytes the spool may use on disk; the oldest items go when full. */
  maxBytes: number;
  /** Bytes per segment file; smaller segments free space sooner. */
  segmentBytes?: number;
}

const SEGMENT = /^(\d{12})\.jsonl$/;

function segmentName(sequence: number): string {
  return `${String(sequence).padStart(12, '0')}.jsonl`;
}

/**
 * A first-in, first-out queue of JSON items on disk, bounded in bytes, so
 * that items survive a server outage and an agent restart. Items are
 * appended to numbered segment files, one JSON line each; `cursor` stores
 * how many items of the oldest segment were acknowledged. When the limit
 * is reached the oldest segment is deleted and its unsent items counted
 * as dropped.
 */
export class Spool {
  readonly stats: SpoolStats = {
    appended: 0,
    acknowledged: 0,
    dropped: 0,
    bytes: 0,
  };
  private segments: number[] = [];
  private sizes = new Map<number, number>();
  private writeFd: number | undefined;
  private acked = 0;
  private readonly segmentBytes: number;

  constructor(
    private readonly dir: string,
    private readonly options: SpoolOptions,
  ) {
    this.segmentBytes =
      options.segmentBytes ?? Math.max(4096, Math.floor(options.maxBytes / 16));
    mkdirSync(dir, { recursive: true });
    for (const name of readdirSync(dir).sort()) {
      const match = SEGMENT.exec(name);
      if (!match) continue;
      const sequence = Number(match[1]);
      this.segments.push(sequence);
      const size = statSync(join(dir, name)).size;
      this.sizes.set(sequence, size);
      this.stats.bytes += size;
    }
    this.acked = this.readCursor();
  }

  /** Items waiting, counted from the files. */
  pending(): number {
    let count = -this.acked;
    for (const sequence of this.segments)
      count += this.readSegment(sequence).length;
    return Math.max(0, count);
  }

  /** Appends one item, dropping the oldest segment when the spool is full. */
  append(item: unknown): void {
    const line = `${JSON.stringify(item)}\n`;
    const size = Buffer.byteLength(line);
    const current = this.segments[this.segments.length - 1];
    if (
      current === undefined ||
      this.writeFd === undefined ||
      (this.sizes.get(current) ?? 0) + size > this.segmentBytes
    ) {
      this.rotate();
    }
    const sequence = this.segments[this.segments.length - 1] as number;
    writeSync(this.writeFd as number, line);
    this.sizes.set(sequence, (this.sizes.get(sequence) ?? 0) + size);
    this.stats.bytes += size;
    this.stats.appended++;
    while (
      this.stats.bytes > this.options.maxBytes &&
      this.segments.length > 1
    ) {
      this.dropOldest();
    }
  }

  /** Up to `max` of the oldest unacknowledged items, oldest first. */
  peek(max: number): unknown[] {
    const items: unknown[] = [];
    let skip = this.acked;
    for (const sequence of this.segments) {
      const lines = this.readSegment(sequence);
      for (const line of lines.slice(skip)) {
        if (items.length >= max) return items;
        try {
          items.push(JSON.parse(line));
        } catch {
          // A line cut by a crash mid-write: skipped, still counted below.
          items.push(undefined);
        }
      }
      skip = 0;
    }
    return items;
  }

  /** Marks the `count` oldest items as delivered. */
  acknowledge(count: number): void {
    let left = count;
    while (left > 0 && this.segments.length > 0) {
      const oldest = this.segments[0] as number;
      const lines = this.readSegment(oldest).length;
      const isWriting = this.segments.length === 1;
      const remaining = lines - this.acked;
      if (left < remaining || (isWriting && left === remaining)) {
        this.acked += left;
        this.stats.acknowledged += left;
        left = 0;
        break;
      }
      this.stats.acknowledged += remaining;
      left -= remaining;
      this.removeSegment(oldest);
      this.acked = 0;
    }
    this.writeCursor();
  }

  /** Closes the open segment file. */
  close(): void {
    if (this.writeFd !== undefined) closeSync(this.writeFd);
    this.writeFd = undefined;
  }

  private rotate(): void {
    this.close();
    const last = this.segments[this.segments.length - 1] ?? 0;
    const sequence = last + 1;
    this.writeFd = openSync(join(this.dir, segmentName(sequence)), 'a');
    this.segments.push(sequence);
    this.sizes.set(sequence, 0);
  }

  private dropOldest(): void {
    const oldest = this.segments[0] as number;
    const unsent = this.readSegment(oldest).length - this.acked;
    this.stats.dropped += Math.max(0, unsent);
    this.removeSegment(oldest);
    this.acked = 0;
    this.writeCursor();
  }

  private removeSegment(sequence: number): void {
    rmSync(join(this.dir, segmentName(sequence)), { force: true });
    this.stats.bytes -= this.sizes.get(sequence) ?? 0;
    this.sizes.delete(sequence);
    this.segments.shift();
    if (this.segments.length === 0) this.close();
  }

  private readSegment(sequence: number): string[] {
    let text: string;
    try {
      text = readFileSync(join(this.dir, segmentName(sequence)), 'utf8');
    } catch {
      return [];
    }
    const lines = text.split('\n');
    lines.pop();
    return lines;
  }

  private readCursor(): number {
    try {
      const cursor = JSON.parse(readFileSync(join(this.dir, 'cursor'), 'utf8'));
      return cursor.segment === this.segments[0] &&
        Number.isInteger(cursor.acked)
        ? cursor.acked
        : 0;
    } catch {
      return 0;
    }
  }

  private writeCursor(): void {
    // Written to a temporary file and renamed, so a crash leaves the old
    // or the new cursor, never half of one.
    const path = join(this.dir, 'cursor');
    writeFileSync(
      `${path}.tmp`,
      JSON.stringify({ segment: this.segments[0], acked: this.acked }),
    );
    renameSync(`${path}.tmp`, path);
  }
}
