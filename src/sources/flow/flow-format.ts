/** Flow log formats that `vigil scan` and the upload endpoint read. */
export const FLOW_FORMATS = [
  'azure-nsg',
  'azure-vnet',
  'aws-vpc',
  'gcp-vpc',
] as const;

export type FlowFormat = (typeof FLOW_FORMATS)[number];

/** A flow log entry that produced no event, for `FILE:LINE: reason`. */
export interface FlowProblem {
  line: number;
  reason: string;
}

/** What one flow log parser read besides events. */
export interface FlowParseStats {
  flows: number;
  /** Entries counted but not turned into flows, by reason. */
  skipped: Record<string, number>;
}

/** Count one skipped entry under its reason. */
export function countSkipped(stats: FlowParseStats, reason: string): void {
  stats.skipped[reason] = (stats.skipped[reason] ?? 0) + 1;
}
