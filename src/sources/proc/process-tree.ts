import type { ProcessAncestor } from '../event.js';
import { type CgroupAttribution, parseCgroup } from './parse-cgroup.js';
import { readProcProcess } from './read-proc-process.js';

/** Ancestors listed per process; deeper chains are cut. */
export const MAX_ANCESTORS = 16;

/** A remembered process: its ancestry fields and its cgroup's meaning. */
export interface TreeProcess extends ProcessAncestor {
  ppid: number;
  /** Parsed from /proc/PID/cgroup; undefined when it was not read. */
  attribution: CgroupAttribution | undefined;
}

/**
 * The node's process tree as far as the agent has seen it: processes from
 * exec events and /proc scans, keyed by pid, bounded in size (the oldest
 * entry goes first). Parents not yet known are read from /proc on demand.
 * Short-lived processes stay findable after they exit, so a shell's child
 * can still name the shell and the web server above it.
 */
export class ProcessTree {
  private readonly nodes = new Map<number, TreeProcess>();

  constructor(
    private readonly maxEntries = 8192,
    private readonly procRoot = '/proc',
  ) {}

  /** Records a process, replacing what an earlier process of that pid left. */
  remember(process: TreeProcess): void {
    this.nodes.delete(process.pid);
    this.nodes.set(process.pid, process);
    if (this.nodes.size > this.maxEntries) {
      const oldest = this.nodes.keys().next().value as number;
      this.nodes.delete(oldest);
    }
  }

  /** Returns the cgroup attribution last seen for a pid, if any. */
  attributionOf(pid: number): CgroupAttribution | undefined {
    return this.nodes.get(pid)?.attribution;
  }

  /** Looks a process up, reading /proc when it is not known yet. */
  async lookup(pid: number): Promise<TreeProcess | undefined> {
    const known = this.nodes.get(pid);
    if (known) return known;
    const read = await readProcProcess(pid, this.procRoot);
    if (!read) return undefined;
    const node: TreeProcess = {
      pid,
      ppid: read.ppid,
      exe: read.exe,
      name: read.name,
      argv: read.argv,
      attribution: parseCgroup(read.cgroup),
    };
    this.remember(node);
    return node;
  }

  /** Lists the ancestors of a process whose parent is `ppid`, nearest first. */
  async ancestors(ppid: number): Promise<ProcessAncestor[]> {
    const chain: ProcessAncestor[] = [];
    const seen = new Set<number>();
    let pid = ppid;
    while (pid > 0 && chain.length < MAX_ANCESTORS && !seen.has(pid)) {
      seen.add(pid);
      const node = await this.lookup(pid);
      if (!node) break;
      chain.push({
        pid: node.pid,
        exe: node.exe,
        name: node.name,
        argv: node.argv,
      });
      pid = node.ppid;
    }
    return chain;
  }
}
