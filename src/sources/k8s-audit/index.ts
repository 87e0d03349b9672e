export type { AuditCollector } from './audit-collector.js';
export type { AuditFormat, SourceFormat } from './audit-format.js';
export { AUDIT_FORMATS, isAuditFormat } from './audit-format.js';
export type {
  AuditProblem,
  AuditProblemCode,
  AuditSkipCode,
} from './audit-problem.js';
export type { AuditReadStats } from './audit-read-stats.js';
export { createAuditReadStats } from './audit-read-stats.js';
export type { AuditDiagnostic } from './audit-value-handler.js';
export { detectAuditFormat } from './detect-audit-format.js';
export type { NormalizeOptions } from './normalize-audit-value.js';
export { normalizeAuditValue } from './normalize-audit-value.js';
export type { ReadAuditOptions } from './read-audit-file.js';
export { DEFAULT_MAX_VALUE_BYTES, readAuditFile } from './read-audit-file.js';
export { readPartialJson } from './read-partial-json.js';
