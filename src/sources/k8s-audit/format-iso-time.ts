/** The milliseconds and zone of an ISO timestamp, `000Z` to `999Z`. */
const MILLIS_TEXT = Array.from(
  { length: 1000 },
  (_, ms) => `${String(ms).padStart(3, '0')}Z`,
);

/** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z in epoch milliseconds.
 * toISOString writes years outside them with six digits and a sign. */
const MIN_FOUR_DIGIT_YEAR_MS = -62_167_219_200_000;
const MAX_FOUR_DIGIT_YEAR_MS = 253_402_300_800_000;

let cachedSecond = Number.NaN;
let cachedPrefix = '';

/**
 * Formats epoch milliseconds as `Date.prototype.toISOString` does
 * (`2026-11-02T00:00:00.002Z`), and throws a RangeError on NaN as it
 * does. The text up to the seconds is kept for the last second
 * formatted, because consecutive audit events share it and
 * `toISOString` costs about 1.4 µs per call (measured with Node.js
 * 20.20 on 2 vCPUs of an AMD EPYC).
 */
export function formatIsoTime(timeMs: number): string {
  if (
    !Number.isInteger(timeMs) ||
    timeMs < MIN_FOUR_DIGIT_YEAR_MS ||
    timeMs >= MAX_FOUR_DIGIT_YEAR_MS
  ) {
    return new Date(timeMs).toISOString();
  }
  const second = Math.floor(timeMs / 1000);
  if (second !== cachedSecond) {
    // `YYYY-MM-DDTHH:MM:SS.` is the first 20 characters.
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, 20);
    cachedSecond = second;
  }
  return cachedPrefix + (MILLIS_TEXT[timeMs - second * 1000] as string);
}
