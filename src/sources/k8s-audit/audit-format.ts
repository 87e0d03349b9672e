/** An input format of Kubernetes audit events, as a concrete source. */
export type SourceFormat = 'k8s-audit' | 'aks' | 'eks' | 'gke';

/** The format a reader expects: one source format, or `auto` to sniff. */
export type AuditFormat = SourceFormat | 'auto';

/** Every value `AuditFormat` accepts, for option parsing and help text. */
export const AUDIT_FORMATS: readonly AuditFormat[] = [
  'auto',
  'k8s-audit',
  'aks',
  'eks',
  'gke',
];

/** Returns whether `value` names an audit format. */
export function isAuditFormat(value: string): value is AuditFormat {
  return (AUDIT_FORMATS as readonly string[]).includes(value);
}
