import type { Severity } from '../engine/rule-schema.js';

export type AlertStatus = 'active' | 'resolved' | 'dismissed';

/** A Kubernetes object that an alert involves. */
export interface ResourceEntity {
  apiGroup: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** A container that an alert involves. */
export interface ContainerEntity {
  name: string;
  image: string;
  id?: string;
}

/** What an alert is about, in the catalog's entity vocabulary. */
export interface AlertEntities {
  namespace?: string;
  pod?: string;
  /** The controller that owns the pod, as `Kind/name`. */
  workload?: string;
  containers?: ContainerEntity[];
  images?: string[];
  node?: string;
  process?: string;
  user?: string;
  impersonatedUser?: string;
  userAgent?: string;
  sourceIPs?: string[];
  resources?: ResourceEntity[];
  /** Values captured by the rule's condition, by capture name. */
  details?: Record<string, string[]>;
}

/** One event behind an alert, trimmed to a bounded size. */
export interface AlertEvidence {
  eventId: string;
  time: string;
  origin: string;
  body: unknown;
}

/** The alert contract shared by the scanner, the server and the agent. */
export interface Alert {
  id: string;
  alertType: string;
  title: string;
  severity: Severity;
  tactics: string[];
  techniques: string[];
  status: AlertStatus;
  startTime: string;
  endTime: string;
  count: number;
  cluster: string;
  entities: AlertEntities;
  evidence: AlertEvidence[];
  description: string;
  remediation: string;
  ruleVersion: number;
}
