import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Largest feed file read, in bytes. */
export const MAX_FEED_BYTES = 256 * 1024 * 1024;

/**
 * Read a feed file as UTF-8, rejecting files over `maxBytes` before
 * reading them, so that a wrong path (a disk image, /dev/zero) cannot
 * exhaust memory.
 */
export function readIntelFile(path: string, maxBytes = MAX_FEED_BYTES): string {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new Error(`${path} is not a regular file`);
    if (stat.size > maxBytes) {
      throw new Error(`${path} is larger than ${maxBytes} bytes`);
    }
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, buffer, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
