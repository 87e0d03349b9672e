import type { RulePack } from '../../engine/load-rules.js';
import type { SourceActivity } from '../../store/source-activity-store.js';

/**
 * The sources a cluster can connect. `k8s-audit` is the audit webhook and
 * uploads; `agent` is the node agent; `flow-logs` is network flow logs.
 */
export const KNOWN_SOURCES = ['k8s-audit', 'agent', 'flow-logs'] as const;

/** A source counts as connected while it sent data within this time. */
export const CONNECTED_WITHIN_MS = 60 * 60 * 1000;

/** One source of a cluster and when it last sent data. */
export interface SourceCoverage {
  source: string;
  connected: boolean;
  lastSeen: string | null;
  events: number;
}

/** One alert type and whether the cluster's sources can raise it. */
export interface AlertTypeCoverage {
  alertType: string;
  available: boolean;
  sources: string[];
  missing: string[];
}

/** The sources a cluster has connected and the alert types they allow. */
export interface ClusterCoverage {
  cluster: string;
  sources: SourceCoverage[];
  alertTypes: AlertTypeCoverage[];
}

/** The threat intelligence that the server has loaded. */
export interface IntelCoverage {
  /** Categories with at least one indicator. */
  categories: ReadonlySet<string>;
  loadedMs: number;
}

/**
 * Computes a cluster's coverage: each known source (and each source a
 * rule names) with its last receipt, then every rule with the sources it
 * needs that are not connected. The `intel` source is connected while
 * intel is loaded; a rule that asks for intel categories lacks it when
 * none of its categories has an indicator, because the engine then
 * leaves the rule out.
 */
export function clusterCoverage(
  cluster: string,
  activity: readonly SourceActivity[],
  pack: RulePack,
  nowMs: number,
  intel?: IntelCoverage,
): ClusterCoverage {
  const names = new Set<string>(KNOWN_SOURCES);
  for (const rule of pack.rules)
    for (const source of rule.meta.sources) names.add(source);

  const sources = [...names].map((source) => {
    if (source === 'intel') return intelSource(intel);
    const seen = activity.find((item) => item.source === source);
    return {
      source,
      connected:
        seen !== undefined && nowMs - seen.lastSeenMs <= CONNECTED_WITHIN_MS,
      lastSeen: seen ? new Date(seen.lastSeenMs).toISOString() : null,
      events: seen?.events ?? 0,
    };
  });
  const connected = new Set(
    sources.filter((s) => s.connected).map((s) => s.source),
  );

  const alertTypes = pack.rules
    .map((rule) => {
      const missing = rule.meta.sources.filter(
        (source) => !connected.has(source),
      );
      const wanted = rule.scope.intel;
      if (
        wanted &&
        !missing.includes('intel') &&
        !wanted.some((category) => intel?.categories.has(category))
      ) {
        missing.push('intel');
      }
      return {
        alertType: rule.id,
        available: missing.length === 0,
        sources: [...rule.meta.sources],
        missing,
      };
    })
    .sort((a, b) => a.alertType.localeCompare(b.alertType));
  return { cluster, sources, alertTypes };
}

function intelSource(intel: IntelCoverage | undefined): SourceCoverage {
  const loaded = intel !== undefined && intel.categories.size > 0;
  return {
    source: 'intel',
    connected: loaded,
    lastSeen: loaded ? new Date(intel.loadedMs).toISOString() : null,
    events: 0,
  };
}
