/** What a process's cgroup paths say about its container. */
export interface CgroupAttribution {
  /** The runtime's full container id (64 hex characters). */
  containerId: string | undefined;
  /** The runtime the path shape belongs to. */
  runtime:
    | 'docker'
    | 'containerd'
    | 'cri-o'
    | 'podman'
    | 'kubepods'
    | undefined;
  /** The Kubernetes pod UID from a kubepods path, with dashes. */
  podUid: string | undefined;
}

const ID = '([0-9a-f]{64})';

/** Path shapes, most specific first; the first that matches wins. */
const SHAPES: ReadonlyArray<[RegExp, CgroupAttribution['runtime']]> = [
  [new RegExp(`cri-containerd-${ID}\\.scope`), 'containerd'],
  [new RegExp(`crio-(?:conmon-)?${ID}(?:\\.scope)?`), 'cri-o'],
  [new RegExp(`libpod-(?:conmon-)?${ID}(?:\\.scope)?`), 'podman'],
  [new RegExp(`docker-${ID}\\.scope`), 'docker'],
  [new RegExp(`/docker/${ID}(?:/|$)`), 'docker'],
  // cgroupfs kubepods: /kubepods/burstable/pod<uid>/<id>
  [new RegExp(`/kubepods[^\\n]*/pod[0-9a-f_-]{36}/${ID}(?:/|$)`), 'kubepods'],
];

const POD_UID =
  /pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})(?:\.slice|\/|$)/;

/**
 * Reads /proc/PID/cgroup text (cgroup v1 lines `ID:CONTROLLERS:PATH`, or
 * the single v2 line `0::PATH`) and finds the container id and pod UID
 * in the path shapes of Docker (`/docker/<id>`, `docker-<id>.scope`),
 * containerd (`cri-containerd-<id>.scope`), CRI-O (`crio-<id>.scope`),
 * Podman (`libpod-<id>`, `/libpod_parent/libpod-<id>`) and kubepods
 * slices (`kubepods-besteffort-pod<uid with _>.slice`) or folders
 * (`/kubepods/burstable/pod<uid>/<id>`). Nothing found means the process
 * runs on the node itself.
 */
export function parseCgroup(text: string): CgroupAttribution {
  const result: CgroupAttribution = {
    containerId: undefined,
    runtime: undefined,
    podUid: undefined,
  };
  for (const line of text.split('\n')) {
    const path = line.slice(line.indexOf(':', line.indexOf(':') + 1) + 1);
    if (path === '' || path === '/') continue;
    if (result.podUid === undefined) {
      const pod = POD_UID.exec(path);
      if (pod?.[1]) result.podUid = pod[1].replaceAll('_', '-');
    }
    if (result.containerId !== undefined) continue;
    for (const [shape, runtime] of SHAPES) {
      const match = shape.exec(path);
      if (!match?.[1]) continue;
      result.containerId = match[1];
      result.runtime = runtime;
      break;
    }
  }
  if (result.runtime === undefined && result.podUid !== undefined) {
    result.runtime = 'kubepods';
  }
  return result;
}
