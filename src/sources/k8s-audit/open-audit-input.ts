import { createReadStream } from 'node:fs';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

const CHUNK_BYTES = 256 * 1024;

/**
 * Reads a file (`-` for standard input) as byte chunks, decompressing it
 * when it starts with the gzip magic bytes, whatever its name.
 * Concatenated gzip members are read as one stream.
 */
export async function* openAuditInput(
  path: string,
  onInputBytes?: (bytes: number) => void,
): AsyncGenerator<Buffer> {
  const input: AsyncIterable<Buffer> =
    path === '-'
      ? process.stdin
      : createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const iterator = input[Symbol.asyncIterator]();

  // The magic bytes may straddle the first two chunks of a pipe.
  const head: Buffer[] = [];
  let headBytes = 0;
  while (headBytes < 2) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value);
    headBytes += next.value.length;
  }
  const first = Buffer.concat(head, headBytes);
  const rest = replay(first, iterator, onInputBytes);
  if (first[0] !== 0x1f || first[1] !== 0x8b) {
    yield* rest;
    return;
  }
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
  // Errors of either side surface through the gunzip iterator.
  pipeline(Readable.from(rest), gunzip, () => {});
  yield* gunzip;
}

async function* replay(
  first: Buffer,
  iterator: AsyncIterator<Buffer>,
  onInputBytes: ((bytes: number) => void) | undefined,
): AsyncGenerator<Buffer> {
  try {
    if (first.length > 0) {
      onInputBytes?.(first.length);
      yield first;
    }
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      onInputBytes?.(next.value.length);
      yield next.value;
    }
  } finally {
    await iterator.return?.();
  }
}
