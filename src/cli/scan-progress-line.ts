import { statSync } from 'node:fs';
import type { ScanProgress } from '../scan/scan-files.js';
import { safeText } from './safe-text.js';

/** Redraws at most this often, in milliseconds. */
const REDRAW_MS = 200;
/** Files smaller than this scan too fast for a bar to help. */
export const PROGRESS_MIN_BYTES = 32 * 1024 * 1024;
const BAR_WIDTH = 24;

function sizeOf(file: string): number | undefined {
  if (file === '-') return undefined;
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

/**
 * A progress bar on one terminal line: the share of the current file read
 * (of its size on disk, compressed or not), records so far and their
 * rate. It draws only for files of PROGRESS_MIN_BYTES or more, and only
 * on TTYs; the caller checks `isTTY`.
 */
export class ScanProgressLine {
  private readonly started = performance.now();
  private readonly sizes = new Map<string, number | undefined>();
  private lastDraw = 0;
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(progress: ScanProgress): void {
    const now = performance.now();
    if (now - this.lastDraw < REDRAW_MS) return;
    if (!this.sizes.has(progress.file)) {
      this.sizes.set(progress.file, sizeOf(progress.file));
    }
    const size = this.sizes.get(progress.file);
    if (size !== undefined && size < PROGRESS_MIN_BYTES) return;
    this.lastDraw = now;

    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? Math.round(progress.records / seconds) : 0;
    let bar = '';
    if (size !== undefined && size > 0) {
      const share = Math.min(1, progress.fileBytesRead / size);
      const filled = Math.round(share * BAR_WIDTH);
      bar =
        `[${'#'.repeat(filled)}${' '.repeat(BAR_WIDTH - filled)}] ` +
        `${Math.floor(share * 100)}% of ${megabytes(size)} `;
    }
    const text =
      `${safeText(progress.file)} ${bar}` +
      `${progress.records.toLocaleString('en-US')} records, ` +
      `${rate.toLocaleString('en-US')}/s`;
    const width = this.stream.columns ?? 80;
    this.stream.write(`\r${text.slice(0, width - 1)}\u001b[K`);
    this.drawn = true;
  }

  clear(): void {
    if (!this.drawn) return;
    this.stream.write('\r\u001b[K');
    this.drawn = false;
  }
}
