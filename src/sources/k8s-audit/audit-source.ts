import type { SourceFormat } from './audit-format.js';

/** The origin of a raw audit event and the facts its envelope adds. */
export interface AuditSource {
  format: SourceFormat;
  /** Cluster name from the envelope, the caller's default, or `unknown`. */
  cluster: string;
  file: string | undefined;
  line: number | undefined;
  /** Envelope time in epoch milliseconds (NaN when none), used when the
   * event has no timestamp of its own, as in salvaged cut events. */
  fallbackTimeMs: number;
  /** True when the export cut the event short. */
  truncated: boolean;
}
