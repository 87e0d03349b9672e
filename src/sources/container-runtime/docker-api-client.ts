import { request } from 'node:http';

/** Maximum size of a JSON response from the runtime, in bytes. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** Maximum length of one line of the events stream, in bytes. */
export const MAX_EVENT_LINE_BYTES = 256 * 1024;

/** An error response from the runtime's API. */
export class DockerApiError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
    message: string,
  ) {
    super(`runtime API ${path} returned ${status}: ${message}`);
    this.name = 'DockerApiError';
  }
}

/**
 * A client of the Docker Engine API on a Unix socket, which Docker and
 * Podman's compatible service both serve. Paths are relative to the API
 * version prefix (`/v1.41` by default, which Podman 4 and Docker 20.10
 * and later accept).
 */
export class DockerApiClient {
  constructor(
    readonly socketPath: string,
    private readonly version = 'v1.41',
    private readonly timeoutMs = 5000,
  ) {}

  /** GETs a JSON document; throws DockerApiError on a non-2xx response. */
  getJson(path: string): Promise<unknown> {
    const fullPath = `/${this.version}${path}`;
    return new Promise((resolve, reject) => {
      const req = request(
        {
          socketPath: this.socketPath,
          path: fullPath,
          method: 'GET',
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) {
              req.destroy(
                new Error(
                  `runtime API ${fullPath} response exceeds ${MAX_RESPONSE_BYTES} bytes`,
                ),
              );
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status < 200 || status > 299) {
              reject(
                new DockerApiError(status, fullPath, body.slice(0, 200).trim()),
              );
              return;
            }
            try {
              resolve(JSON.parse(body));
            } catch {
              reject(new DockerApiError(status, fullPath, 'invalid JSON'));
            }
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () =>
        req.destroy(new Error(`runtime API ${fullPath} timed out`)),
      );
      req.on('error', reject);
      req.end();
    });
  }

  /**
   * Follows `/events` for containers, passing each JSON line to `onLine`.
   * Resolves when the stream ends or `signal` aborts it; lines longer
   * than the limit are skipped and reported as oversized.
   */
  streamEvents(
    onLine: (line: string) => void,
    signal: AbortSignal,
    onOversized: () => void = () => {},
  ): Promise<void> {
    const filters = encodeURIComponent(JSON.stringify({ type: ['container'] }));
    const fullPath = `/${this.version}/events?filters=${filters}`;
    return new Promise((resolve, reject) => {
      const req = request(
        { socketPath: this.socketPath, path: fullPath, method: 'GET', signal },
        (res) => {
          if ((res.statusCode ?? 0) !== 200) {
            res.resume();
            reject(
              new DockerApiError(
                res.statusCode ?? 0,
                fullPath,
                'events stream refused',
              ),
            );
            return;
          }
          let pending = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            pending += chunk;
            let end = pending.indexOf('\n');
            while (end !== -1) {
              const line = pending.slice(0, end).trim();
              pending = pending.slice(end + 1);
              if (line) onLine(line);
              end = pending.indexOf('\n');
            }
            if (pending.length > MAX_EVENT_LINE_BYTES) {
              onOversized();
              pending = '';
            }
          });
          res.on('end', () => {
            if (pending.trim()) onLine(pending.trim());
            resolve();
          });
          res.on('error', (error) =>
            signal.aborted ? resolve() : reject(error),
          );
        },
      );
      req.on('error', (error) => (signal.aborted ? resolve() : reject(error)));
      req.end();
    });
  }
}
