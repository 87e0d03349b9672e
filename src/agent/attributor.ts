import { existsSync, readFileSync } from 'node:fs';
import { containerRefOf } from '../sources/container-runtime/container-collector.js';
import type { ContainerDetails } from '../sources/container-runtime/container-details.js';
import type { ContainerDirectory } from '../sources/container-runtime/container-directory.js';
import {
  type ContainerRef,
  type HostEvent,
  type PodRef,
  UNKNOWN,
  type Unknown,
} from '../sources/event.js';
import type { CgroupAttribution } from '../sources/proc/parse-cgroup.js';
import type { ProcessTree } from '../sources/proc/process-tree.js';
import { CgroupCache } from './cgroup-cache.js';

/** What `readAttribution` returns for a pid that /proc does not list. */
const MISSING = Symbol('missing');

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
  private readonly cgroups = new CgroupCache();
  private readonly procPrefix: string;

  constructor(
    private readonly tree: ProcessTree,
    private readonly directory: ContainerDirectory,
    procRoot = '/proc',
  ) {
    this.procPrefix = procRoot.endsWith('/') ? procRoot : `${procRoot}/`;
  }

  /** Fills `container`, `pod` and `process.ancestors` in place. */
  async attribute(event: HostEvent): Promise<HostEvent> {
    await this.attributeNow(event);
    return event;
  }

  /**
   * Fills the event as `attribute` does. Returns undefined when the work
   * is done, and a promise only when the container runtime must be asked,
   * so that host processes and cached containers cost no promise.
   */
  attributeNow(event: HostEvent): Promise<void> | undefined {
    if (event.kind === 'container') return undefined;
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
      process.ancestors = this.tree.ancestorsNow(process.ppid);
    }
    if (attribution === undefined) {
      this.stats.cgroupUnread++;
      return undefined;
    }

    const { containerId, podUid } = attribution;
    if (containerId === undefined) return undefined;
    const cached = this.directory.cached(containerId);
    if (cached !== undefined) {
      this.fill(event, containerId, podUid, cached ?? undefined);
      return undefined;
    }
    return this.directory.get(containerId).then(
      (details) => this.fill(event, containerId, podUid, details),
      () => {
        this.stats.inspectFailures++;
        this.fill(event, containerId, podUid, undefined);
      },
    );
  }

  private fill(
    event: HostEvent,
    containerId: string,
    podUid: string | undefined,
    details: ContainerDetails | undefined,
  ): void {
    const found = this.describe(containerId, podUid, details);
    event.container = found.container;
    event.pod = found.pod;
    this.stats.attributed++;
  }

  private describe(
    containerId: string,
    podUid: string | undefined,
    details: ContainerDetails | undefined,
  ): { container: ContainerRef; pod: PodRef | Unknown } {
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
    if (own !== undefined && own !== MISSING) return own;
    const remembered =
      this.tree.attributionOf(pid) ?? this.tree.attributionOf(ppid);
    if (remembered !== undefined) return remembered;
    if (ppid <= 0 || this.tree.isMissing(ppid)) return undefined;
    const parent = this.readAttribution(ppid);
    if (parent === MISSING) this.tree.rememberMissing(ppid);
    return parent === MISSING ? undefined : parent;
  }

  /** The cgroup's meaning, MISSING when /proc has no such pid. */
  private readAttribution(
    pid: number,
  ): CgroupAttribution | typeof MISSING | undefined {
    if (pid <= 0) return undefined;
    // Concatenation, not path.join: this runs once or twice per event and
    // join's validation costs more than the rest of the path work.
    const path = `${this.procPrefix}${pid}/cgroup`;
    // existsSync first: a throwing read costs more, and most short-lived
    // processes have exited by the time their record is read.
    if (!existsSync(path)) return MISSING;
    try {
      return this.cgroups.parse(readFileSync(path, 'utf8'));
    } catch {
      return undefined;
    }
  }
}
