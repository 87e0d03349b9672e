import type { Readable, Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../error-codes.js';

/** A decoded body stream, with the received size that fastify checks. */
type DecodedStream = Transform & { receivedEncodedLength: number };

/**
 * Returns the request body decoded by its `Content-Encoding`: as is for
 * none or `identity`, through gunzip for `gzip`. Fastify applies the
 * route's body limit to the decoded stream, so a small compressed body
 * cannot expand past it. Other encodings raise 415.
 */
export function decodeContentEncoding(
  request: FastifyRequest,
  payload: Readable,
): Readable {
  const header = request.headers['content-encoding'];
  const encoding = (header ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return payload;
  if (encoding !== 'gzip' && encoding !== 'x-gzip') {
    throw new ApiError('REQUEST_UNSUPPORTED_ENCODING', {
      encoding: JSON.stringify(header),
    });
  }

  const gunzip: DecodedStream = Object.assign(createGunzip(), {
    receivedEncodedLength: 0,
  });
  payload.on('data', (chunk: Buffer) => {
    gunzip.receivedEncodedLength += chunk.length;
  });
  payload.on('error', (error) => gunzip.destroy(error));
  payload.pipe(gunzip);
  return gunzip;
}
