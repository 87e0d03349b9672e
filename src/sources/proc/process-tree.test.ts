import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProcessTree } from './process-tree.js';

/** Writes the /proc files that `readProcProcess` reads for one pid. */
function writeProcess(root: string, pid: number, ppid: number, name: string) {
  const dir = join(root, String(pid));
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'stat'),
    `${pid} (${name}) S ${ppid} ${' 0'.repeat(17)} 4242 0 0`,
  );
  writeFileSync(join(dir, 'status'), 'Name:\tx\nUid:\t0\t0\t0\t0\n');
  writeFileSync(join(dir, 'cmdline'), `${name}\0--flag\0`);
  writeFileSync(join(dir, 'cgroup'), '0::/system.slice/x.service\n');
}

function setup() {
  const root = mkdtempSync(join(tmpdir(), 'vigil-proc-'));
  let now = 0;
  const tree = new ProcessTree(8192, root, 1000, () => now);
  return { root, tree, advance: (ms: number) => (now += ms) };
}

describe('ProcessTree', () => {
  it('reads unknown ancestors from /proc', () => {
    const { root, tree } = setup();
    writeProcess(root, 10, 1, 'sh');
    writeProcess(root, 1, 0, 'init');
    const chain = tree.ancestorsNow(10);
    expect(chain.map((a) => a.pid)).toEqual([10, 1]);
    expect(chain[0]?.name).toBe('sh');
    expect(chain[0]?.argv).toEqual(['sh', '--flag']);
  });

  it('remembers a missing pid until the mark expires', () => {
    const { root, tree, advance } = setup();
    expect(tree.lookupNow(20)).toBeUndefined();
    expect(tree.isMissing(20)).toBe(true);
    writeProcess(root, 20, 1, 'late');
    expect(tree.lookupNow(20)).toBeUndefined();
    advance(999);
    expect(tree.lookupNow(20)).toBeUndefined();
    advance(1);
    expect(tree.isMissing(20)).toBe(false);
    expect(tree.lookupNow(20)?.name).toBe('late');
  });

  it('clears a missing mark when the pid is reused', () => {
    const { tree } = setup();
    expect(tree.lookupNow(30)).toBeUndefined();
    tree.remember({
      pid: 30,
      ppid: 1,
      exe: '/usr/bin/curl',
      name: 'curl',
      argv: ['curl'],
      attribution: undefined,
    });
    expect(tree.isMissing(30)).toBe(false);
    expect(tree.lookupNow(30)?.exe).toBe('/usr/bin/curl');
  });

  it('replaces a remembered process of a reused pid', () => {
    const { root, tree } = setup();
    writeProcess(root, 40, 1, 'old');
    expect(tree.lookupNow(40)?.name).toBe('old');
    rmSync(join(root, '40'), { recursive: true });
    tree.remember({
      pid: 40,
      ppid: 1,
      exe: '/usr/bin/new',
      name: 'new',
      argv: ['new'],
      attribution: undefined,
    });
    expect(tree.ancestorsNow(40).map((a) => a.name)).toEqual(['new']);
  });

  it('ends the chain at a cycle', () => {
    const { root, tree } = setup();
    writeProcess(root, 50, 51, 'a');
    writeProcess(root, 51, 50, 'b');
    expect(tree.ancestorsNow(50).map((a) => a.pid)).toEqual([50, 51]);
  });
});
