/** A response of the test server, with its parsed JSON body. */
export interface ApiResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response fields directly and fail on a wrong shape
  body: any;
}

/** Sends a request with a bearer token and parses the JSON response. */
export async function request(
  url: string,
  token: string | undefined,
  init: {
    method?: string;
    body?: string | Buffer;
    headers?: Record<string, string>;
  } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...init.headers };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined && !headers['content-type']) {
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    body: init.body,
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Metrics and other text responses stay strings.
  }
  return { status: response.status, body };
}

/**
 * Polls `read` until `done` accepts its result or `timeoutMs` passes;
 * returns the last result either way so the caller's assertion reports it.
 */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}
