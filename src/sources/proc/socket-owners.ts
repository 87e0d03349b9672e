import { readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';

/** File descriptors examined per process; the rest are skipped. */
const MAX_FDS_PER_PROCESS = 4096;

/**
 * Maps socket inodes to the pid that holds them, from the
 * `socket:[INODE]` links under /proc/PID/fd. Processes that exit or
 * cannot be read are skipped. The first holder found wins when several
 * processes share a socket.
 */
export async function socketOwners(
  pids: number[],
  procRoot = '/proc',
): Promise<Map<number, number>> {
  const owners = new Map<number, number>();
  for (const pid of pids) {
    const dir = join(procRoot, String(pid), 'fd');
    let fds: string[];
    try {
      fds = (await readdir(dir)).slice(0, MAX_FDS_PER_PROCESS);
    } catch {
      continue;
    }
    for (const fd of fds) {
      const target = await readlink(join(dir, fd)).catch(() => '');
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match && !owners.has(Number(match[1]))) {
        owners.set(Number(match[1]), pid);
      }
    }
  }
  return owners;
}

/** Lists the pids under /proc. */
export async function listPids(procRoot = '/proc'): Promise<number[]> {
  const entries = await readdir(procRoot);
  return entries.filter((name) => /^\d+$/.test(name)).map(Number);
}
