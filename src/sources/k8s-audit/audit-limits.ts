/**
 * Size bounds for copied fields. Audit events carry attacker-chosen text
 * (user agents, object names, X-Forwarded-For chains), so every copied
 * string and list is bounded.
 */
export const AUDIT_LIMITS = {
  /** Identifiers: auditID, verb, stage, level, user and object names. */
  maxIdLength: 1024,
  /** Free text: requestURI, userAgent, messages, annotation values. */
  maxTextLength: 65_536,
  /** Entries in sourceIPs, groups and each `user.extra` list. */
  maxListLength: 256,
  /** Keys in annotations and `user.extra`. */
  maxMapSize: 512,
} as const;
