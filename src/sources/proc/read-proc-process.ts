import { readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Bytes read from /proc/PID/cmdline; longer command lines are cut. */
export const MAX_CMDLINE_BYTES = 64 * 1024;

/** A process as /proc shows it. */
export interface ProcProcess {
  pid: number;
  ppid: number;
  /** `comm`, at most 15 bytes. */
  name: string;
  /** The executable's path, or `unknown` when the link is unreadable. */
  exe: string;
  argv: string[];
  cwd: string;
  uid: number;
  euid: number;
  /** Start time in clock ticks since boot: with the pid, a stable id. */
  startTicks: number;
  cgroup: string;
}

// The kernel generates /proc files on read, without disk I/O, so they are
// read synchronously. A thread-pool round trip per file costs more.
function text(path: string, limit = MAX_CMDLINE_BYTES): string {
  return readFileSync(path).subarray(0, limit).toString('utf8');
}

function link(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return 'unknown';
  }
}

function optionalText(path: string): string {
  try {
    return text(path);
  } catch {
    return '';
  }
}

/**
 * Parses /proc/PID/stat. The command name sits in parentheses and may
 * itself contain spaces and `)`, so fields are counted from the last `)`.
 */
export function parseProcStat(
  content: string,
): { name: string; ppid: number; startTicks: number } | undefined {
  const open = content.indexOf('(');
  const close = content.lastIndexOf(')');
  if (open === -1 || close < open) return undefined;
  const rest = content.slice(close + 2).split(' ');
  // rest[0] is field 3 (state); ppid is field 4, starttime field 22.
  const ppid = Number(rest[1]);
  const startTicks = Number(rest[19]);
  if (!Number.isInteger(ppid) || !Number.isFinite(startTicks)) return undefined;
  return { name: content.slice(open + 1, close), ppid, startTicks };
}

/**
 * Reads /proc/PID/stat alone, whose start time distinguishes a process
 * from an earlier one with the same pid at the cost of one file. Returns
 * undefined when the process exited or the file cannot be parsed.
 */
export function readProcStatSync(
  pid: number,
  procRoot = '/proc',
): { name: string; ppid: number; startTicks: number } | undefined {
  try {
    return parseProcStat(text(join(procRoot, String(pid), 'stat')));
  } catch {
    return undefined;
  }
}

/** Reads the real and effective uid from /proc/PID/status. */
export function parseStatusUids(content: string): {
  uid: number;
  euid: number;
} {
  const match = /^Uid:\s+(\d+)\s+(\d+)/m.exec(content);
  return { uid: Number(match?.[1] ?? -1), euid: Number(match?.[2] ?? -1) };
}

/**
 * Reads one process from /proc; undefined when it exited meanwhile or
 * cannot be read. Links that need more privilege read as `unknown`.
 */
export async function readProcProcess(
  pid: number,
  procRoot = '/proc',
): Promise<ProcProcess | undefined> {
  return readProcProcessSync(pid, procRoot);
}

/** Reads one process from /proc, as `readProcProcess` does, synchronously. */
export function readProcProcessSync(
  pid: number,
  procRoot = '/proc',
): ProcProcess | undefined {
  const dir = join(procRoot, String(pid));
  try {
    const stat = parseProcStat(text(join(dir, 'stat')));
    if (!stat) return undefined;
    const status = text(join(dir, 'status'));
    const cmdline = text(join(dir, 'cmdline'));
    const cgroup = optionalText(join(dir, 'cgroup'));
    const exe = link(join(dir, 'exe'));
    const cwd = link(join(dir, 'cwd'));
    const argv = cmdline.split('\0');
    while (argv.length > 0 && argv[argv.length - 1] === '') argv.pop();
    return {
      pid,
      ppid: stat.ppid,
      name: stat.name,
      exe,
      argv,
      cwd,
      ...parseStatusUids(status),
      startTicks: stat.startTicks,
      cgroup,
    };
  } catch {
    return undefined;
  }
}
