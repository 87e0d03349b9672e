/**
 * An `EventList` body cut into texts of about RUN_BYTES each, so that no
 * text is a large object of V8's heap. Each large object gets memory of
 * its own from the system, and touching it costs a page fault per 4 KiB:
 * about 100 for a 400 KB body, on each thread that has its text.
 * `parseBody` puts the parts together.
 */
export interface SplitBody {
  /** The body with an empty items array: `{…,"items":[]}`. */
  envelope: string;
  /** The items, in order, as runs of comma-separated JSON values. */
  runs: string[];
}

/** The key of the items, written without spaces as the API server does. */
const ITEMS = Buffer.from('"items":[');

/**
 * The bytes between two audit events in an array. Outside a string they
 * can only be the end of one object and the start of the next, and
 * inside a string every quote is escaped, so they never occur there.
 */
const NEXT_EVENT = Buffer.from('},{"kind":"Event",');

/** Bytes of a run at least, when the body has more. */
const RUN_BYTES = 64 * 1024;

const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;

/**
 * Cuts a webhook body into its envelope and runs of items, or returns
 * undefined for a body too small to need it or not shaped as the API
 * server writes an `EventList`. The cuts fall on ASCII bytes, so each
 * part decodes as UTF-8 on its own.
 */
export function splitEventList(body: Buffer): SplitBody | undefined {
  if (body.length < 2 * RUN_BYTES) return undefined;
  const itemsAt = body.indexOf(ITEMS);
  if (itemsAt < 0) return undefined;
  // A key starts after `{` or `,`. Other bytes mean the match ends
  // another key, such as `"x\"items"`, and the body is parsed whole.
  const before = body[trimEnd(body, itemsAt) - 1];
  if (before !== OPEN_BRACE && before !== COMMA) return undefined;
  const start = itemsAt + ITEMS.length;

  // The items array must be the body's last value: `…]}` at its end.
  let end = trimEnd(body, body.length);
  if (body[end - 1] !== CLOSE_BRACE) return undefined;
  end = trimEnd(body, end - 1);
  if (body[end - 1] !== CLOSE_BRACKET) return undefined;
  end--;
  if (end <= start) return undefined;

  const runs: string[] = [];
  let from = start;
  while (from < end) {
    let to = end;
    if (end - from > RUN_BYTES) {
      const next = body.indexOf(NEXT_EVENT, from + RUN_BYTES);
      // `to` is the comma after the object that ends the run.
      if (next >= 0 && next < end) to = next + 1;
    }
    runs.push(body.toString('utf8', from, to));
    from = to + 1;
  }
  const envelope =
    body.toString('utf8', 0, start) + body.toString('utf8', end, body.length);
  return { envelope, runs };
}

/**
 * Parses a body as JSON.parse parses its whole text, and throws its
 * error. A split body is parsed part by part. When a part does not
 * parse, because a cut fell inside an event or the envelope is not what
 * it seemed, the whole text is parsed instead, so the result and the
 * error are those of the body itself.
 */
export function parseBody(body: string | SplitBody): unknown {
  if (typeof body === 'string') return JSON.parse(body);
  let envelope: unknown;
  const items: unknown[] = [];
  try {
    envelope = JSON.parse(body.envelope);
    const found = (envelope as { items?: unknown } | null)?.items;
    if (!Array.isArray(found) || found.length > 0) throw new Error('cut');
    for (const run of body.runs) {
      const values = JSON.parse(`[${run}]`) as unknown[];
      for (const value of values) items.push(value);
    }
  } catch {
    return JSON.parse(joinBody(body));
  }
  (envelope as { items: unknown[] }).items = items;
  return envelope;
}

/** Returns the whole text of a split body. */
export function joinBody(body: SplitBody): string {
  const close = body.envelope.lastIndexOf(']');
  return `${body.envelope.slice(0, close)}${body.runs.join(',')}${body.envelope.slice(close)}`;
}

/** Returns the body's length in UTF-16 code units, as its whole text has. */
export function bodyLength(body: string | SplitBody): number {
  if (typeof body === 'string') return body.length;
  let length = body.envelope.length + body.runs.length - 1;
  for (const run of body.runs) length += run.length;
  return length;
}

/** Returns `end` moved back over JSON whitespace. */
function trimEnd(body: Buffer, end: number): number {
  let at = end;
  while (at > 0) {
    const byte = body[at - 1];
    if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) break;
    at--;
  }
  return at;
}
