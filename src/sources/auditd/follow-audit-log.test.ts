import {
  appendFileSync,
  mkdtempSync,
  renameSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuditLogFollower } from './follow-audit-log.js';

let follower: AuditLogFollower | undefined;

afterEach(async () => {
  await follower?.stop();
  follower = undefined;
});

/** Waits for timers and file notifications to run. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Starts a follower that reads every 20 ms while lines arrive and, once
 * idle, only on a change notification (or every `idlePollMs`).
 */
async function startTimed(watch: boolean, idlePollMs = 3_600_000) {
  const path = join(mkdtempSync(join(tmpdir(), 'vigil-follow-')), 'audit.log');
  writeFileSync(path, '');
  const lines: string[] = [];
  const timed = new AuditLogFollower(path, (line) => lines.push(line), {
    pollMs: 20,
    idlePollMs,
    watch,
  });
  follower = timed;
  await timed.start();
  // The first read finds nothing, after which the file is idle.
  await vi.waitFor(() => expect(timed.stats.polls).toBeGreaterThan(0));
  return { path, lines, follower: timed };
}

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

  it('does not poll an idle watched file', async () => {
    const { follower } = await startTimed(true);
    const polls = follower.stats.polls;
    await sleep(300);
    expect(follower.stats.polls).toBe(polls);
  });

  it('reads an idle file when it changes', async () => {
    const { path, lines, follower } = await startTimed(true);
    await sleep(50);
    appendFileSync(path, 'woken\n');
    await vi.waitFor(() => expect(lines).toEqual(['woken']));
    expect(follower.stats.wakeups).toBe(1);
  });

  it('follows a rotation of an idle file', async () => {
    const { path, lines, follower } = await startTimed(true);
    await sleep(50);
    renameSync(path, `${path}.1`);
    writeFileSync(path, 'rotated\n');
    await vi.waitFor(() => expect(lines).toEqual(['rotated']));
    expect(follower.stats.rotations).toBe(1);
    appendFileSync(path, 'after\n');
    await vi.waitFor(() => expect(lines).toEqual(['rotated', 'after']));
  });

  it('reads an unnoticed change at the idle poll', async () => {
    const { path, lines, follower } = await startTimed(true, 100);
    await sleep(50);
    // Closing the watch leaves the follower as a missed notification
    // would: idle, with only the idle poll to notice the change.
    (follower as unknown as { unwatch(): void }).unwatch();
    appendFileSync(path, 'late\n');
    await vi.waitFor(() => expect(lines).toEqual(['late']));
    expect(follower.stats.wakeups).toBe(0);
  });

  it('polls an idle file when watching is off', async () => {
    const { path, lines, follower } = await startTimed(false);
    const polls = follower.stats.polls;
    await sleep(300);
    expect(follower.stats.polls).toBeGreaterThan(polls + 3);
    appendFileSync(path, 'polled\n');
    await vi.waitFor(() => expect(lines).toEqual(['polled']));
    expect(follower.stats.wakeups).toBe(0);
  });
});
