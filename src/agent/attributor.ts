import { existsSync, readFileSync } from 'node:fs';
import { containerRefOf } from '../sources/container-runtime/container-collector.js';
import type { ContainerDetails } from '../sources/container-runtime/container-details.js';
import type { ContainerDirectory } from '../sources/container-runtime/container-directory.js';
import {
  type AttributionSource,
  type ContainerRef,
  type HostEvent,
  type PodRef,
  type ProcessInfo,
  UNKNOWN,
  type Unknown,
} from '../sources/event.js';
import type { CgroupAttribution } from '../sources/proc/parse-cgroup.js';
import type { ProcessTree } from '../sources/proc/process-tree.js';
import { CgroupCache } from './cgroup-cache.js';
import {
  isRuntime,
  isRuntimeInit,
  RuntimeExecs,
  runtimeExecContainer,
} from './runtime-exec.js';

/** What `readAttribution` returns for a pid that /proc does not list. */
const MISSING = Symbol('missing');

/** A process's cgroup attribution and where it came from. */
interface Found {
  attribution: CgroupAttribution;
  source: AttributionSource;
}

/** Counters of attribution. */
export interface AttributionStats {
  attributed: number;
  /** A container id was found but the runtime did not describe it. */
  runtimeUnknown: number;
  /** The process and its parent were gone, so the cgroup was not read. */
  cgroupUnread: number;
  /** Containers named by a runtime's exec command, not read from cgroups. */
  runtimeExec: number;
  inspectFailures: number;
}

/**
 * Attributes host events to container, pod and ancestry. The container id
 * comes from the cgroup of the process, or of its parent when the process
 * already exited (children inherit the cgroup at fork). A process that a
 * runtime's `exec` started (`podman exec`, `kubectl exec`) has the
 * runtime as its parent, outside the container, so when it exited before
 * its cgroup was read, the container named on the runtime's command line
 * is used instead. Details come from the runtime's inspect. A container
 * id the runtime does not know keeps the id, with `unknown` name and
 * image. A pod UID from a kubepods path without runtime labels is kept as
 * well. Events with a container name in `attribution` how it was found.
 */
export class Attributor {
  readonly stats: AttributionStats = {
    attributed: 0,
    runtimeUnknown: 0,
    cgroupUnread: 0,
    runtimeExec: 0,
    inspectFailures: 0,
  };
  private readonly cgroups = new CgroupCache();
  private readonly runtimeExecs = new RuntimeExecs();
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
    const found = this.attributionOf(process, event.timeMs);
    if (event.kind === 'process') {
      this.tree.remember({
        pid: process.pid,
        ppid: process.ppid,
        exe: process.exe,
        name: process.name,
        argv: process.argv,
        attribution: found?.attribution,
        attributionSource: found?.source,
      });
      this.noteRuntimeExec(process, found, event.timeMs);
    }
    if (process.ancestors.length === 0 && process.ppid > 0) {
      process.ancestors = this.tree.ancestorsNow(process.ppid);
    }
    if (found === undefined) {
      this.stats.cgroupUnread++;
      return undefined;
    }

    const { containerId } = found.attribution;
    if (containerId === undefined) return undefined;
    if (found.source === 'runtime-exec') this.stats.runtimeExec++;
    const cached = this.directory.cached(containerId);
    if (cached !== undefined) {
      this.fill(event, containerId, found, cached ?? undefined);
      return undefined;
    }
    return this.directory.get(containerId).then(
      (details) => this.fill(event, containerId, found, details),
      () => {
        this.stats.inspectFailures++;
        this.fill(event, containerId, found, undefined);
      },
    );
  }

  private fill(
    event: HostEvent,
    containerId: string,
    found: Found,
    details: ContainerDetails | undefined,
  ): void {
    const { podUid } = found.attribution;
    const described = this.describe(containerId, podUid, details);
    event.container = described.container;
    event.pod = described.pod;
    event.attribution = found.source;
    this.stats.attributed++;
  }

  /**
   * Remembers a runtime's exec command, so that the process it starts can
   * be placed in the container even after it exited. A runtime inside a
   * container, or one of unknown place, could name any container, so only
   * one on the node itself is believed.
   */
  private noteRuntimeExec(
    process: ProcessInfo,
    found: Found | undefined,
    timeMs: number,
  ): void {
    const containerId = runtimeExecContainer(process);
    if (containerId === undefined) return;
    if (found === undefined || found.attribution.containerId !== undefined) {
      return;
    }
    this.runtimeExecs.remember(process.pid, process.ppid, containerId, timeMs);
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
    process: ProcessInfo,
    timeMs: number,
  ): Found | undefined {
    const { pid, ppid } = process;
    // The process itself is read live: runc moves an exec'd process into
    // the container's cgroup before it starts. A parent, usually long
    // lived and shared by many children, is read once and remembered.
    const own = this.readAttribution(pid);
    if (own !== undefined && own !== MISSING) {
      return { attribution: own, source: 'cgroup' };
    }
    // The runtime is the parent of the command it execs, and it stays
    // outside the container, so its cgroup would place the command on
    // the node.
    // The runtime's parent adopts a command that outlives a detached
    // runtime, so its children count too, except further runtimes.
    // NOTE: under containerd that parent is the pod's shim, so a process
    // that exits at once, started by another container of the same pod
    // within the window, would be placed in the exec'd container.
    const named =
      this.runtimeExecs.containerOf(ppid, timeMs) ??
      (isRuntime(process)
        ? undefined
        : this.runtimeExecs.containerOfParent(ppid, timeMs));
    if (named !== undefined && !isRuntimeInit(process)) {
      return {
        attribution: {
          containerId: named,
          runtime: undefined,
          podUid: undefined,
        },
        source: 'runtime-exec',
      };
    }
    const earlier = this.tree.known(pid);
    if (earlier?.attribution !== undefined) {
      return {
        attribution: earlier.attribution,
        source: earlier.attributionSource ?? 'cgroup',
      };
    }
    const parent = this.tree.known(ppid);
    if (parent?.attribution !== undefined) {
      return {
        attribution: parent.attribution,
        source:
          parent.attributionSource === 'runtime-exec'
            ? 'runtime-exec'
            : 'parent-cgroup',
      };
    }
    if (ppid <= 0 || this.tree.isMissing(ppid)) return undefined;
    const read = this.readAttribution(ppid);
    if (read === MISSING) this.tree.rememberMissing(ppid);
    if (read === MISSING || read === undefined) return undefined;
    return { attribution: read, source: 'parent-cgroup' };
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
