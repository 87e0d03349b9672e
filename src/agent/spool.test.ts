import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Spool } from './spool.js';

function spoolDir(): string {
  return mkdtempSync(join(tmpdir(), 'vigil-spool-'));
}

describe('Spool', () => {
  it('returns items oldest first and acknowledges them', () => {
    const spool = new Spool(spoolDir(), { maxBytes: 1_000_000 });
    for (let i = 0; i < 5; i++) spool.append({ n: i });
    expect(spool.peek(3)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
    spool.acknowledge(2);
    expect(spool.peek(10)).toEqual([{ n: 2 }, { n: 3 }, { n: 4 }]);
    expect(spool.pending()).toBe(3);
  });

  it('keeps unsent items across a reopen', () => {
    const dir = spoolDir();
    const first = new Spool(dir, { maxBytes: 100_000, segmentBytes: 64 });
    for (let i = 0; i < 10; i++) first.append({ n: i });
    first.acknowledge(4);
    first.close();
    const second = new Spool(dir, { maxBytes: 100_000, segmentBytes: 64 });
    expect(second.peek(100)).toEqual([4, 5, 6, 7, 8, 9].map((n) => ({ n })));
  });

  it('drops the oldest segment when full and counts it', () => {
    // Each item is 9 bytes ({"n":12}\n); segments of 27 hold three.
    const spool = new Spool(spoolDir(), { maxBytes: 60, segmentBytes: 27 });
    for (let i = 10; i < 19; i++) spool.append({ n: i });
    expect(spool.stats.dropped).toBe(3);
    expect(spool.stats.bytes).toBeLessThanOrEqual(60);
    expect(spool.peek(100)).toEqual(
      [13, 14, 15, 16, 17, 18].map((n) => ({ n })),
    );
  });

  it('acknowledges across segments', () => {
    const spool = new Spool(spoolDir(), { maxBytes: 10_000, segmentBytes: 27 });
    for (let i = 10; i < 20; i++) spool.append({ n: i });
    spool.acknowledge(7);
    expect(spool.peek(100)).toEqual([17, 18, 19].map((n) => ({ n })));
    spool.acknowledge(3);
    expect(spool.peek(100)).toEqual([]);
    spool.append({ n: 20 });
    expect(spool.peek(100)).toEqual([{ n: 20 }]);
  });
});
