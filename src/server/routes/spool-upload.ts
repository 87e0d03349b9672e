import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../error-codes.js';

/** Passes bytes through, failing once more than `limit` have passed. */
function byteLimit(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > limit) {
        callback(new ApiError('REQUEST_BODY_TOO_LARGE', { limit }));
        return;
      }
      callback(null, chunk);
    },
  });
}

/**
 * Writes the request body to a new file under `dir`, at most `limit`
 * bytes, runs `read` on it and deletes the file, whether `read`
 * succeeds or throws. The route must leave the body a stream.
 */
export async function spoolUpload<T>(
  request: FastifyRequest,
  dir: string,
  limit: number,
  read: (file: string) => Promise<T>,
): Promise<T> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${randomBytes(12).toString('hex')}.upload`);
  try {
    const body =
      (request.body as NodeJS.ReadableStream | undefined) ?? request.raw;
    await pipeline(body, byteLimit(limit), createWriteStream(file));
    return await read(file);
  } finally {
    rmSync(file, { force: true });
  }
}
