import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type NetworkEvent,
  type ProcessEvent,
  type ProcessInfo,
  UNKNOWN,
} from '../event.js';
import { parseCgroup } from './parse-cgroup.js';
import { type ProcSocket, parseProcNet } from './parse-proc-net.js';
import type { ProcessTree } from './process-tree.js';
import {
  type ProcProcess,
  readProcProcess,
  readProcStatSync,
} from './read-proc-process.js';
import { listPids, socketOwners } from './socket-owners.js';

/** Node, cluster and options of a /proc scan. */
export interface ProcScanContext {
  cluster: string;
  node: string;
  procRoot: string;
  /** Report established outbound connections (when audit does not). */
  connections: boolean;
}

/** Processes and sockets remembered between scans, at most. */
const MAX_REMEMBERED = 65_536;

const LISTEN = '0A';
const ESTABLISHED = '01';

function processInfo(process: ProcProcess): ProcessInfo {
  return {
    pid: process.pid,
    ppid: process.ppid,
    exe: process.exe,
    name: process.name,
    argv: process.argv,
    cwd: process.cwd,
    uid: process.uid,
    auid: 4294967295,
    euid: process.euid,
    ancestors: [],
  };
}

/**
 * Reads a /proc/net table, or '' when it cannot be read. The kernel
 * generates it on read, without disk I/O, so a synchronous read costs
 * less than a thread-pool round trip.
 */
function readNetFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function remember<T>(set: Set<T>, key: T): boolean {
  if (set.has(key)) return false;
  set.add(key);
  if (set.size > MAX_REMEMBERED) set.delete(set.values().next().value as T);
  return true;
}

/**
 * Scans /proc for processes and sockets not seen before: at start every
 * running process (long-running daemons and miners that started before
 * the agent), then, on each scan, those that audit did not report.
 * Sockets in LISTEN state are reported as `listen` network events, and
 * established connections as `outbound` when `connections` is set.
 */
export class ProcScanner {
  /** Processes scanned, as `PID:START_TICKS`. */
  private readonly seenProcesses = new Set<string>();
  /** Pids that audit reported; numbers, because one is added per exec. */
  private readonly reportedPids = new Set<number>();
  private readonly seenSockets = new Set<string>();

  constructor(
    private readonly context: ProcScanContext,
    private readonly tree: ProcessTree,
  ) {}

  /** Marks a pid as reported by another source (an audit exec event). */
  markReported(pid: number): void {
    remember(this.reportedPids, pid);
  }

  /** One scan of processes; returns events for the new ones. */
  async scanProcesses(nowMs = Date.now()): Promise<ProcessEvent[]> {
    const events: ProcessEvent[] = [];
    for (const pid of await listPids(this.context.procRoot)) {
      if (this.reportedPids.has(pid)) continue;
      // Most processes were reported by an earlier scan. Their start time
      // in the stat file shows it, so only new ones are read in full.
      const stat = readProcStatSync(pid, this.context.procRoot);
      if (!stat || this.seenProcesses.has(`${pid}:${stat.startTicks}`))
        continue;
      const process = await readProcProcess(pid, this.context.procRoot);
      if (!process) continue;
      if (!remember(this.seenProcesses, `${pid}:${process.startTicks}`))
        continue;
      this.tree.remember({
        pid,
        ppid: process.ppid,
        exe: process.exe,
        name: process.name,
        argv: process.argv,
        attribution: parseCgroup(process.cgroup),
      });
      events.push({
        id: `proc:${this.context.node}:${pid}:${process.startTicks}`,
        kind: 'process',
        time: new Date(nowMs).toISOString(),
        timeMs: nowMs,
        cluster: this.context.cluster,
        node: this.context.node,
        container: UNKNOWN,
        pod: UNKNOWN,
        origin: { format: 'proc' },
        truncated: false,
        process: processInfo(process),
      });
    }
    return events;
  }

  /** One scan of /proc/net; returns events for new sockets. */
  async scanSockets(nowMs = Date.now()): Promise<NetworkEvent[]> {
    const fresh: ProcSocket[] = [];
    for (const [file, protocol] of [
      ['tcp', 'tcp'],
      ['tcp6', 'tcp'],
      ['udp', 'udp'],
      ['udp6', 'udp'],
    ] as const) {
      const text = readNetFile(join(this.context.procRoot, 'net', file));
      for (const socket of parseProcNet(text, protocol)) {
        const listening =
          socket.state === LISTEN ||
          (protocol === 'udp' && socket.remotePort === 0);
        const connected =
          socket.state === ESTABLISHED && this.context.connections;
        if (!listening && !connected) continue;
        if (socket.inode === 0) continue;
        if (remember(this.seenSockets, `${socket.inode}`)) fresh.push(socket);
      }
    }
    if (fresh.length === 0) return [];

    const owners = await socketOwners(
      await listPids(this.context.procRoot),
      this.context.procRoot,
    );
    const events: NetworkEvent[] = [];
    for (const socket of fresh) {
      const pid = owners.get(socket.inode);
      const owner =
        pid === undefined
          ? undefined
          : await readProcProcess(pid, this.context.procRoot);
      const listening = socket.state === LISTEN || socket.remotePort === 0;
      events.push({
        id: `proc-net:${this.context.node}:${socket.inode}`,
        kind: 'network',
        time: new Date(nowMs).toISOString(),
        timeMs: nowMs,
        cluster: this.context.cluster,
        node: this.context.node,
        container: UNKNOWN,
        pod: UNKNOWN,
        origin: { format: 'proc-net' },
        truncated: owner === undefined,
        process: owner
          ? processInfo(owner)
          : {
              pid: 0,
              ppid: 0,
              exe: UNKNOWN,
              name: UNKNOWN,
              argv: [],
              cwd: UNKNOWN,
              uid: socket.uid,
              auid: 4294967295,
              ancestors: [],
            },
        network: {
          direction: listening ? 'listen' : 'outbound',
          protocol: socket.protocol,
          family: socket.family,
          remoteAddress: socket.remoteAddress,
          remotePort: socket.remotePort,
          localAddress: socket.localAddress,
          localPort: socket.localPort,
        },
      });
    }
    return events;
  }
}
