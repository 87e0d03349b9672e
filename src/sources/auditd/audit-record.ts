/** One line of the kernel audit log, split into its parts. */
export interface AuditRecord {
  /** Record type name, such as SYSCALL, EXECVE or `UNKNOWN[1329]`. */
  type: string;
  /** The `node=` prefix that auditd adds when `name_format` is set. */
  node: string | undefined;
  /** `SECONDS.MILLIS` exactly as the header states it. */
  stamp: string;
  /** Milliseconds since the epoch. */
  timeMs: number;
  /** The event's serial number; records of one event share it. */
  serial: number;
  /** Raw field values, quotes kept, in order of appearance. */
  fields: Map<string, string>;
  /** Fields that ENRICHED format resolved (after `\x1d`), such as `AUID`. */
  enriched: Map<string, string>;
  /** Line number in its source, from 1. */
  line: number;
}

/** A line that could not be used, with its location and the reason. */
export interface AuditLineProblem {
  line: number;
  reason: string;
}
