import {
  appendFileSync,
  mkdtempSync,
  renameSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLogFollower } from './follow-audit-log.js';

let follower: AuditLogFollower | undefined;

afterEach(async () => {
  await follower?.stop();
  follower = undefined;
});

function setup(initial: string) {
  const path = join(mkdtempSync(join(tmpdir(), 'vigil-follow-')), 'audit.log');
  writeFileSync(path, initial);
  const lines: string[] = [];
  follower = new AuditLogFollower(path, (line) => lines.push(line), {
    pollMs: 10_000,
  });
  return { path, lines, follower };
}

describe('AuditLogFollower', () => {
  it('starts at the end and reads appended lines', async () => {
    const { path, lines, follower } = setup('old 1\nold 2\n');
    await follower.start();
    appendFileSync(path, 'new 1\nnew');
    await follower.poll();
    appendFileSync(path, ' 2\n');
    await follower.poll();
    expect(lines).toEqual(['new 1', 'new 2']);
  });

  it('follows a rename rotation', async () => {
    const { path, lines, follower } = setup('');
    await follower.start();
    appendFileSync(path, 'a\n');
    await follower.poll();
    appendFileSync(path, 'b\n');
    renameSync(path, `${path}.1`);
    appendFileSync(`${path}.1`, 'c\n');
    writeFileSync(path, 'd\n');
    await follower.poll();
    appendFileSync(path, 'e\n');
    await follower.poll();
    expect(lines).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(follower.stats.rotations).toBe(1);
  });

  it('restarts after truncation', async () => {
    const { path, lines, follower } = setup('');
    await follower.start();
    appendFileSync(path, 'first line\n');
    await follower.poll();
    truncateSync(path, 0);
    appendFileSync(path, 'x\n');
    await follower.poll();
    expect(lines).toEqual(['first line', 'x']);
    expect(follower.stats.truncations).toBe(1);
  });

  it('skips an oversized line and goes on', async () => {
    const { path, lines, follower } = setup('');
    await follower.start();
    appendFileSync(path, `${'z'.repeat(300_000)}\nafter\n`);
    await follower.poll();
    expect(lines).toEqual(['after']);
    expect(follower.stats.oversizedLines).toBe(1);
  });

  it('waits for a missing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-follow-'));
    const path = join(dir, 'audit.log');
    const lines: string[] = [];
    follower = new AuditLogFollower(path, (line) => lines.push(line));
    await follower.start();
    writeFileSync(path, 'late\n');
    await follower.poll();
    expect(lines).toEqual(['late']);
  });
});
