import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AddressIntervals } from './address/address-intervals.js';
import { INTEL_CATEGORIES } from './categories.js';
import { INDICATOR_TYPES } from './indicator.js';
import { LabelTable } from './label-table.js';

/** The format name and version that toJSON writes and fromJSON reads. */
export const INTEL_FORMAT = 'vigil-intel';
export const INTEL_FORMAT_VERSION = 1;

const intervalsSchema = z.strictObject({
  count: z.number().int().min(0),
  starts: z.base64(),
  ends: z.base64(),
  sets: z.base64(),
});

/** The serialized store, as the server sends it to agents. */
export const serializedIntelSchema = z.strictObject({
  format: z.literal(INTEL_FORMAT),
  version: z.literal(INTEL_FORMAT_VERSION),
  labels: z.array(
    z.strictObject({
      category: z.enum(INTEL_CATEGORIES),
      source: z.string(),
    }),
  ),
  sets: z.array(z.array(z.number().int().min(0))),
  ipv4: intervalsSchema,
  ipv6: intervalsSchema,
  exact: z.array(z.tuple([z.string(), z.number().int().min(0)])),
  counts: z.partialRecord(z.enum(INDICATOR_TYPES), z.number().int().min(0)),
  /** SHA-256 of the canonical JSON of every other field. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export type SerializedIntel = z.infer<typeof serializedIntelSchema>;
export type SerializedIntervals = z.infer<typeof intervalsSchema>;

function encodeWords(words: Uint32Array): string {
  // Little-endian whatever the host, so that any machine can read it.
  const buffer = Buffer.alloc(words.length * 4);
  for (let i = 0; i < words.length; i++) {
    buffer.writeUInt32LE(words[i] as number, i * 4);
  }
  return buffer.toString('base64');
}

function decodeWords(text: string, length: number, what: string) {
  const buffer = Buffer.from(text, 'base64');
  if (buffer.length !== length * 4) {
    throw new Error(`intel ${what}: expected ${length} words`);
  }
  const words = new Uint32Array(length);
  for (let i = 0; i < length; i++) words[i] = buffer.readUInt32LE(i * 4);
  return words;
}

export function encodeIntervals(
  intervals: AddressIntervals,
): SerializedIntervals {
  return {
    count: intervals.size,
    starts: encodeWords(intervals.starts),
    ends: encodeWords(intervals.ends),
    sets: encodeWords(intervals.sets),
  };
}

function compareAt(
  a: Uint32Array,
  i: number,
  b: Uint32Array,
  j: number,
  n: number,
) {
  for (let w = 0; w < n; w++) {
    const x = a[i + w] as number;
    const y = b[j + w] as number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * Decode intervals and check what binary search relies on: each interval
 * starts at or before its end and after the previous one ends, and every
 * set id exists.
 */
export function decodeIntervals(
  words: 1 | 4,
  data: SerializedIntervals,
  setCount: number,
): AddressIntervals {
  const starts = decodeWords(data.starts, data.count * words, 'starts');
  const ends = decodeWords(data.ends, data.count * words, 'ends');
  const sets = decodeWords(data.sets, data.count, 'sets');
  for (let i = 0; i < data.count; i++) {
    const at = i * words;
    const ordered =
      compareAt(starts, at, ends, at, words) <= 0 &&
      (i === 0 || compareAt(ends, at - words, starts, at, words) < 0);
    if (!ordered) throw new Error(`intel intervals out of order at ${i}`);
    if ((sets[i] as number) >= setCount) {
      throw new Error(`intel interval ${i} names a missing set`);
    }
  }
  return new AddressIntervals(words, starts, ends, sets);
}

/** Rebuild the label table, checking that every set names real labels. */
export function decodeLabels(data: SerializedIntel): LabelTable {
  const table = new LabelTable();
  for (const { category, source } of data.labels) table.label(category, source);
  if (data.sets[0]?.length !== 0) {
    throw new Error('intel set 0 must be the empty set');
  }
  for (const [i, set] of data.sets.entries()) {
    if (i === 0) continue;
    if (set.some((id) => id >= data.labels.length)) {
      throw new Error(`intel set ${i} names a missing label`);
    }
    if (table.set(set) !== i) throw new Error(`intel set ${i} is repeated`);
  }
  return table;
}

/** SHA-256 of everything but the hash itself, in field order. */
export function contentHash(data: Omit<SerializedIntel, 'sha256'>): string {
  const { format, version, labels, sets, ipv4, ipv6, exact, counts } = data;
  const canonical = JSON.stringify([
    format,
    version,
    labels,
    sets,
    ipv4,
    ipv6,
    exact,
    counts,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
