import {
  type CgroupAttribution,
  parseCgroup,
} from '../sources/proc/parse-cgroup.js';

/** Distinct /proc/PID/cgroup contents remembered; more clear the cache. */
export const MAX_CGROUP_ENTRIES = 1024;

/**
 * Parsed /proc/PID/cgroup contents, keyed by the text itself. Processes of
 * one container or one systemd unit share a cgroup and so the same text,
 * and its meaning never changes, so a hit needs no invalidation. The
 * cached attributions are shared between events and must not be mutated.
 */
export class CgroupCache {
  private readonly entries = new Map<string, CgroupAttribution>();

  /** Parses `content` once per distinct text. */
  parse(content: string): CgroupAttribution {
    const known = this.entries.get(content);
    if (known !== undefined) return known;
    const parsed = parseCgroup(content);
    // Contents are bounded by the kernel but their variety is not, so a
    // full cache starts over rather than growing.
    if (this.entries.size >= MAX_CGROUP_ENTRIES) this.entries.clear();
    this.entries.set(content, parsed);
    return parsed;
  }

  /** Number of distinct contents held. */
  get size(): number {
    return this.entries.size;
  }
}
