/**
 * Stable codes for inputs that produce no event. `reason` in a problem is
 * the sentence for people; the code is what stats and tests key on.
 */
export type AuditProblemCode =
  | 'invalid-json'
  | 'invalid-event'
  | 'unknown-format'
  | 'value-too-large'
  | 'incomplete-document';

/** An input that could not be used, with where it starts. */
export interface AuditProblem {
  code: AuditProblemCode;
  reason: string;
  line?: number;
}

/**
 * Codes for inputs that are valid but carry no audit event, such as AKS
 * records of another category or CloudWatch control messages. They are
 * counted, never reported as problems.
 */
export type AuditSkipCode = 'other-aks-category' | 'cloudwatch-control';
