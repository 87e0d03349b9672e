import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { containerRefOf } from '../sources/container-runtime/container-collector.js';
import type { ContainerDirectory } from '../sources/container-runtime/container-directory.js';
import {
  type ContainerRef,
  type HostEvent,
  type PodRef,
  UNKNOWN,
  type Unknown,
} from '../sources/event.js';
import {
  type CgroupAttribution,
  parseCgroup,
} from '../sources/proc/parse-cgroup.js';
import type { ProcessTree } from '../sources/proc/process-tree.js';

/** Counters of attribution. */
export interface AttributionStats {
  attributed: number;
  /** A container id was found but the runtime did not describe it. */
  runtimeUnknown: number;
  /** The process and its parent were gone, so the cgroup was not read. */
  cgroupUnread: number;
  inspectFailures: number;
}

/**
 * Attributes host events to container, pod and ancestry. The container id
 * comes from the cgroup of the process, or of its parent when the process
 * already exited (children inherit the cgroup at fork). Details come from
 * the runtime's inspect. A container id the runtime does not know keeps
 * the id, with `unknown` name and image. A pod UID from a kubepods path
 * without runtime labels is kept as well.
 */
export class Attributor {
  readonly stats: AttributionStats = {
    attributed: 0,
    runtimeUnknown: 0,
    cgroupUnread: 0,
    inspectFailures: 0,
  };

  constructor(
    private readonly tree: ProcessTree,
    private readonly directory: ContainerDirectory,
    private readonly procRoot = '/proc',
  ) {}

  /** Fills `container`, `pod` and `process.ancestors` in place. */
  async attribute(event: HostEvent): Promise<HostEvent> {
    if (event.kind === 'container') return event;
    const process = event.process;
    const attribution = this.attributionOf(process.pid, process.ppid);
    if (event.kind === 'process') {
      this.tree.remember({
        pid: process.pid,
        ppid: process.ppid,
        exe: process.exe,
        name: process.name,
        argv: process.argv,
        attribution,
      });
    }
    if (process.ancestors.length === 0 && process.ppid > 0) {
      process.ancestors = await this.tree.ancestors(process.ppid);
    }
    if (attribution === undefined) {
      this.stats.cgroupUnread++;
      return event;
    }

    const { containerId, podUid } = attribution;
    if (containerId === undefined) return event;
    const found = await this.describe(containerId, podUid);
    event.container = found.container;
    event.pod = found.pod;
    this.stats.attributed++;
    return event;
  }

  private async describe(
    containerId: string,
    podUid: string | undefined,
  ): Promise<{ container: ContainerRef; pod: PodRef | Unknown }> {
    let details: Awaited<ReturnType<ContainerDirectory['get']>>;
    try {
      details = await this.directory.get(containerId);
    } catch {
      this.stats.inspectFailures++;
    }
    if (details)
      return { container: containerRefOf(details), pod: details.pod };
    this.stats.runtimeUnknown++;
    return {
      container: {
        id: containerId,
        name: UNKNOWN,
        image: UNKNOWN,
        privileged: UNKNOWN,
      },
      pod: podUid
        ? { namespace: UNKNOWN, name: UNKNOWN, uid: podUid, labels: {} }
        : UNKNOWN,
    };
  }

  // NOTE: a pid from an old log line may belong to a newer process by
  // now. The agent reads the log within a second, so this is rare.
  private attributionOf(
    pid: number,
    ppid: number,
  ): CgroupAttribution | undefined {
    // The process itself is read live: runc moves an exec'd process into
    // the container's cgroup before it starts. A parent, usually long
    // lived and shared by many children, is read once and remembered.
    const own = this.readAttribution(pid);
    if (own !== undefined) return own;
    const remembered =
      this.tree.attributionOf(pid) ?? this.tree.attributionOf(ppid);
    if (remembered !== undefined) return remembered;
    return this.readAttribution(ppid);
  }

  private readAttribution(pid: number): CgroupAttribution | undefined {
    if (pid <= 0) return undefined;
    const path = join(this.procRoot, String(pid), 'cgroup');
    // existsSync first: a throwing read costs more, and most short-lived
    // processes have exited by the time their record is read.
    if (!existsSync(path)) return undefined;
    try {
      return parseCgroup(readFileSync(path, 'utf8'));
    } catch {
      return undefined;
    }
  }
}
