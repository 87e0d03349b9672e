/** Limits on the copy of an event that an alert keeps as evidence. */
export const EVIDENCE_LIMITS = {
  maxString: 1024,
  maxArray: 20,
  maxKeys: 64,
  maxDepth: 8,
} as const;

/** Keys whose values are long and say nothing to a responder. */
const DROPPED_KEYS = new Set(['managedFields']);

/**
 * Copy a parsed event body within EVIDENCE_LIMITS. Long strings are cut
 * with `…`, long arrays and objects keep their first entries and note how
 * many were left out, and `metadata.managedFields` is dropped.
 */
export function trimEvidence(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') {
    return value.length > EVIDENCE_LIMITS.maxString
      ? `${value.slice(0, EVIDENCE_LIMITS.maxString)}…`
      : value;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= EVIDENCE_LIMITS.maxDepth) return '…';

  if (Array.isArray(value)) {
    const kept = value
      .slice(0, EVIDENCE_LIMITS.maxArray)
      .map((item) => trimEvidence(item, depth + 1));
    const left = value.length - kept.length;
    if (left > 0) kept.push(`… ${left} more`);
    return kept;
  }

  const out: Record<string, unknown> = {};
  const entries = Object.entries(value).filter(([k]) => !DROPPED_KEYS.has(k));
  for (const [key, item] of entries.slice(0, EVIDENCE_LIMITS.maxKeys)) {
    out[key] = trimEvidence(item, depth + 1);
  }
  const left = entries.length - EVIDENCE_LIMITS.maxKeys;
  if (left > 0) out['…'] = `${left} more keys`;
  return out;
}
