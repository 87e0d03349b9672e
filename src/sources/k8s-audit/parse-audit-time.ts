/**
 * Parses an audit timestamp to milliseconds since the epoch, or NaN.
 *
 * Accepts RFC 3339 with any number of fractional digits, as the API
 * server writes it, and the same without `T` and zone
 * (`2024-11-13 18:34:10.595141000`, as Panther stores EKS events), which
 * is read as UTC. Other shapes that `Date.parse` would guess at are
 * rejected.
 */
export function parseAuditTime(text: string): number {
  if (text.length < 19 || text.length > 40) return Number.NaN;
  const fast = parseUtcTime(text);
  if (fast !== undefined) return fast;
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) {
    return Number.NaN;
  }

  const separator = text.charCodeAt(10);
  if (separator === 84 || separator === 116) {
    return hasZone(text) ? Date.parse(text) : Date.parse(`${text}Z`);
  }
  if (separator === 32) {
    const iso = `${text.slice(0, 10)}T${text.slice(11)}`;
    return hasZone(iso) ? Date.parse(iso) : Date.parse(`${iso}Z`);
  }
  return Number.NaN;
}

function hasZone(text: string): boolean {
  const last = text.charCodeAt(text.length - 1);
  if (last === 90 || last === 122) return true;
  // An offset such as +02:00 or -0500 follows the seconds.
  const sign = text.length - 6;
  const code = text.charCodeAt(sign);
  const shortCode = text.charCodeAt(sign + 1);
  return code === 43 || code === 45 || shortCode === 43 || shortCode === 45;
}

function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Reads `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, the shape the API server
 * writes, without Date.parse, which costs more than the rest of an
 * event's normalization. Returns undefined for any other shape, and NaN
 * for out-of-range fields.
 */
function parseUtcTime(text: string): number | undefined {
  const last = text.length - 1;
  if (text.charCodeAt(10) !== 84 || text.charCodeAt(last) !== 90) {
    return undefined;
  }
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) {
    return undefined;
  }
  let millis = 0;
  if (last > 19) {
    if (text.charCodeAt(19) !== 46 || last === 20) return undefined;
    const fraction = digits(text, 20, last - 20);
    if (Number.isNaN(fraction)) return undefined;
    millis = digits(text, 20, Math.min(3, last - 20));
    for (let n = last - 20; n < 3; n++) millis *= 10;
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (
    !(month >= 1 && month <= 12 && day >= 1 && day <= 31) ||
    !(hour <= 23 && minute <= 59 && second <= 60)
  ) {
    return Number.NaN;
  }
  // Date.UTC would roll 31 April over into May and 23:59:60 into the
  // next day, so such times are invalid. A leap second at the end of
  // another minute reads as the next minute's first second.
  const rollsOver = hour === 23 && minute === 59 && second === 60;
  if (day > daysInMonth(year, month) || rollsOver) return Number.NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis);
}

/** Days in `month` (1 to 12) of `year` as Date.UTC reads the year: 0 to
 * 99 mean 1900 to 1999. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const full = year <= 99 ? 1900 + year : year;
    const leap = full % 4 === 0 && (full % 100 !== 0 || full % 400 === 0);
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
