/** A failed request to the server. */
export class ServerRequestError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
  ) {
    super(`server request ${path} failed with status ${status}`);
    this.name = 'ServerRequestError';
  }
}

/** Largest answer read from the server, in bytes. */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/**
 * The agent's HTTP client for the server, on Node's built-in fetch: JSON
 * bodies, the bearer token, a timeout on every request, and conditional
 * GETs by ETag.
 */
export class ServerClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs = 10_000,
  ) {}

  /** POSTs a JSON body; throws ServerRequestError on a non-2xx answer. */
  async post(path: string, body: unknown): Promise<void> {
    const response = await fetch(new URL(path, this.baseUrl), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${this.token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    await response.arrayBuffer();
    if (!response.ok) throw new ServerRequestError(response.status, path);
  }

  /**
   * GETs a JSON document unless its ETag is still `etag`; returns
   * undefined for 304 Not Modified.
   */
  async getIfChanged(
    path: string,
    etag: string | undefined,
  ): Promise<{ etag: string | undefined; body: unknown } | undefined> {
    const response = await fetch(new URL(path, this.baseUrl), {
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(etag ? { 'if-none-match': etag } : {}),
      },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (response.status === 304) {
      await response.arrayBuffer();
      return undefined;
    }
    if (response.status !== 200) {
      await response.arrayBuffer();
      throw new ServerRequestError(response.status, path);
    }
    const length = Number(response.headers.get('content-length') ?? 0);
    if (length > MAX_ANSWER_BYTES) {
      await response.body?.cancel();
      throw new ServerRequestError(413, path);
    }
    return {
      etag: response.headers.get('etag') ?? undefined,
      body: await response.json(),
    };
  }
}
