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
