/** What a conditional request for a feed returned. */
export type FetchFeedResult =
  | { status: 'not-modified' }
  | {
      status: 'updated';
      body: Buffer;
      etag?: string;
      lastModified?: string;
    };

/** Validators of the copy on disk, and limits of the request. */
export interface FetchFeedOptions {
  etag?: string;
  lastModified?: string;
  /** Largest body accepted, after decompression, in bytes. */
  maxBytes: number;
  timeoutMs?: number;
}

/** Default time a feed request may take, in milliseconds. */
export const FETCH_TIMEOUT_MS = 60_000;

/**
 * Download a feed over HTTP(S) with a conditional request: the stored
 * ETag goes in If-None-Match and the stored Last-Modified in
 * If-Modified-Since, so an unchanged feed costs a 304. The body is read
 * as a stream and the request aborted once it passes `maxBytes`. Throws
 * on any status but 200 and 304, on timeouts and on other schemes.
 */
export async function fetchFeed(
  url: string,
  options: FetchFeedOptions,
): Promise<FetchFeedResult> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`feed URL must be http or https, not ${parsed.protocol}`);
  }
  const headers: Record<string, string> = { 'user-agent': 'vigil-intel/1' };
  if (options.etag) headers['if-none-match'] = options.etag;
  if (options.lastModified) headers['if-modified-since'] = options.lastModified;

  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new Error('feed request timed out')),
    options.timeoutMs ?? FETCH_TIMEOUT_MS,
  );
  try {
    const response = await fetch(parsed, {
      headers,
      signal: controller.signal,
    });
    if (response.status === 304) {
      await response.body?.cancel();
      return { status: 'not-modified' };
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new Error(`feed request failed with HTTP ${response.status}`);
    }
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > options.maxBytes) {
      await response.body?.cancel();
      throw new Error(`feed is larger than ${options.maxBytes} bytes`);
    }
    const body = await readLimited(response, options.maxBytes, controller);
    const result: FetchFeedResult = { status: 'updated', body };
    const etag = response.headers.get('etag');
    const lastModified = response.headers.get('last-modified');
    if (etag) result.etag = etag;
    if (lastModified) result.lastModified = lastModified;
    return result;
  } finally {
    clearTimeout(timer);
  }
}

async function readLimited(
  response: Response,
  maxBytes: number,
  controller: AbortController,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  if (!response.body) return Buffer.alloc(0);
  for await (const chunk of response.body) {
    total += chunk.length;
    if (total > maxBytes) {
      controller.abort();
      throw new Error(`feed is larger than ${maxBytes} bytes`);
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}
