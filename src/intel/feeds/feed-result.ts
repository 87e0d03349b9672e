import type { IntelCategory } from '../categories.js';
import type { Indicator, IndicatorType } from '../indicator.js';
import { normalizeIndicator } from '../normalize-indicator.js';

/** Most problems kept per feed; the rest are only counted. */
export const MAX_REPORTED_PROBLEMS = 200;
/** Most indicators read from one feed. */
export const MAX_FEED_INDICATORS = 5_000_000;

/** An input a parser could not use, or used after fixing it. */
export interface FeedProblem {
  line: number;
  reason: string;
}

/** What a feed parser read. */
export interface FeedParseResult {
  indicators: Indicator[];
  /** Problems, at most MAX_REPORTED_PROBLEMS of them. */
  problems: FeedProblem[];
  /** Every problem, reported or not. */
  problemCount: number;
  /** Entries left out on purpose, by reason (revoked, not for detection…). */
  skipped: Record<string, number>;
}

/** How to read one feed. */
export interface FeedParseOptions {
  /** The feed's name, recorded as each indicator's source. */
  source: string;
  /** The category of entries that do not state one. */
  category: IntelCategory;
  /** Force the type of every value instead of guessing it. */
  type?: IndicatorType;
}

/**
 * Collects one feed's indicators and problems with the limits above, so
 * every parser reports the same way.
 */
export class FeedCollector {
  readonly result: FeedParseResult = {
    indicators: [],
    problems: [],
    problemCount: 0,
    skipped: {},
  };

  constructor(readonly options: FeedParseOptions) {}

  /** Normalize and keep one value; report it when it is unusable. */
  value(
    raw: string,
    line: number,
    category: IntelCategory = this.options.category,
    type: IndicatorType | undefined = this.options.type,
  ): boolean {
    const normalized = normalizeIndicator(raw, type);
    if (!normalized.ok) {
      this.problem(line, `${normalized.reason}: ${quote(raw)}`);
      return false;
    }
    if (normalized.warning) this.problem(line, normalized.warning);
    if (this.result.indicators.length >= MAX_FEED_INDICATORS) {
      this.skip(`over ${MAX_FEED_INDICATORS} indicators`);
      return false;
    }
    this.result.indicators.push({
      type: normalized.type,
      value: normalized.value,
      category,
      source: this.options.source,
    });
    return true;
  }

  problem(line: number, reason: string): void {
    this.result.problemCount++;
    if (this.result.problems.length < MAX_REPORTED_PROBLEMS) {
      this.result.problems.push({ line, reason });
    }
  }

  skip(reason: string): void {
    this.result.skipped[reason] = (this.result.skipped[reason] ?? 0) + 1;
  }
}

/** Quote hostile text for a problem message, cut to 80 characters. */
export function quote(text: string): string {
  const cut = text.length > 80 ? `${text.slice(0, 79)}…` : text;
  return JSON.stringify(cut);
}
