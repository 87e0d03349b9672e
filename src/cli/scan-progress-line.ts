import type { ScanProgress } from '../scan/scan-files.js';
import { safeText } from './safe-text.js';

/** Redraws at most this often, in milliseconds. */
const REDRAW_MS = 200;

/**
 * A one-line progress display on a terminal: file, records read and rate.
 * Only for TTYs; the caller checks `isTTY`.
 */
export class ScanProgressLine {
  private readonly started = performance.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(progress: ScanProgress): void {
    const now = performance.now();
    if (now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? Math.round(progress.records / seconds) : 0;
    const text =
      `scanning ${safeText(progress.file)}: ` +
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
