import { z } from 'zod';

export const SEVERITIES = ['Informational', 'Low', 'Medium', 'High'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** MITRE ATT&CK tactics as the alert catalog spells them. */
export const TACTICS = [
  'InitialAccess',
  'Execution',
  'Persistence',
  'PrivilegeEscalation',
  'DefenseEvasion',
  'CredentialAccess',
  'Discovery',
  'LateralMovement',
  'Collection',
  'Exfiltration',
  'CommandAndControl',
  'Impact',
  'Exploitation',
] as const;

const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, 'expected a duration such as 30s, 10m, 1h or 7d');

const stringList = z.array(z.string().min(1)).min(1);

const eventKind = z.enum([
  'k8s-audit',
  'process',
  'file',
  'network',
  'container',
  'flow',
]);

/** Which events a rule can match: the keys the engine indexes rules by. */
export const ruleScopeSchema = z.strictObject({
  /** One event kind, or a list of host kinds that one rule reads. */
  kind: z.union([eventKind, z.array(eventKind).min(1)]),
  /**
   * Process events only: the rule can match only when one of the event's
   * commands (the `commandNames` view) has one of these names.
   */
  commands: stringList.optional(),
  /** `objectRef.resource`, or `resource/subresource` such as pods/exec. */
  resources: stringList.optional(),
  verbs: stringList.optional(),
  /** Audit stages to evaluate; RequestReceived is left out by default. */
  stages: stringList.optional(),
  /** Audit events only from these exact usernames. */
  users: stringList.optional(),
  /** Audit events only from usernames with one of these prefixes. */
  userPrefixes: stringList.optional(),
  /** Audit events only when the request impersonated someone. */
  impersonated: z.literal(true).optional(),
  /**
   * Threat-intelligence categories the rule needs; without indicators in
   * any of them the engine leaves the rule out.
   */
  intel: stringList.optional(),
});

export const exceptionSchema = z.strictObject({
  name: z.string().min(1),
  reason: z.string().min(1),
  expires: z.iso.date().optional(),
  condition: z.unknown(),
});

export const thresholdSchema = z.strictObject({
  type: z.literal('threshold'),
  /** Fields whose values together form the counting key. */
  by: stringList,
  /** Count distinct values of this field; without it, count events. */
  distinct: z.string().min(1).optional(),
  count: z.number().int().min(2),
  window: duration,
  /** Maximum keys kept at once; the oldest are dropped beyond it. */
  maxKeys: z.number().int().min(1).default(10_000),
});

export const rareOperationSchema = z.strictObject({
  type: z.literal('rare-operation'),
  /** Fields forming the identity whose behaviour is learned. */
  by: stringList,
  /** Fields forming the operation. */
  operation: stringList,
  learningPeriod: duration,
  maxKeys: z.number().int().min(1).default(10_000),
  maxOperationsPerKey: z.number().int().min(1).default(256),
});

export const selectorMatchSchema = z.strictObject({
  type: z.literal('selector-match'),
  /** Condition on pods and workloads whose pods have the property. */
  pods: z.unknown(),
  /** Condition on Services that expose the pods they select. */
  services: z.unknown(),
  /** Maximum namespaces kept at once; the oldest are dropped beyond it. */
  maxKeys: z.number().int().min(1).default(10_000),
  maxObjectsPerKey: z.number().int().min(1).default(256),
});

export const clusterMarkerSchema = z.strictObject({
  type: z.literal('cluster-marker'),
  /** Condition on events that show the cluster runs an application. */
  marker: z.unknown(),
  /** Condition on events that show the application is gone. */
  clear: z.unknown().optional(),
  maxKeys: z.number().int().min(1).default(10_000),
});

export const followedBySchema = z.strictObject({
  type: z.literal('followed-by'),
  /** Fields whose values together form the correlation key. */
  by: stringList,
  /** Condition on the earlier events, which raise nothing themselves. */
  first: z.unknown(),
  /** Condition on the later events, which raise after a `first` event. */
  later: z.unknown(),
  window: duration,
  maxKeys: z.number().int().min(1).default(10_000),
});

export const detectorSchema = z.discriminatedUnion('type', [
  thresholdSchema,
  rareOperationSchema,
  selectorMatchSchema,
  clusterMarkerSchema,
  followedBySchema,
]);

const ruleTestSchema = z
  .strictObject({
    name: z.string().min(1),
    expect: z.enum(['alert', 'none']),
    /** Number of alerts expected; one by default when `expect: alert`. */
    alerts: z.number().int().min(0).optional(),
    event: z.unknown().optional(),
    events: z.array(z.unknown()).min(1).optional(),
    intel: z
      .array(z.strictObject({ value: z.string(), category: z.string() }))
      .optional(),
    /** Entity fields the raised alert must have. */
    entities: z.record(z.string(), z.unknown()).optional(),
    /** Count the aggregated alert must reach. */
    count: z.number().int().min(1).optional(),
  })
  .refine((t) => (t.event === undefined) !== (t.events === undefined), {
    message: 'a test needs exactly one of event or events',
  });

export type RuleTest = z.infer<typeof ruleTestSchema>;

/** A rule file as written under rules/. */
export const ruleFileSchema = z.strictObject({
  id: z.string().regex(/^[A-Z][A-Za-z0-9_.]+$/),
  title: z.string().min(1),
  severity: z.enum(SEVERITIES),
  tactics: z.array(z.enum(TACTICS)).min(1),
  techniques: z.array(z.string().regex(/^T\d{4}(\.\d{3})?$/)).default([]),
  version: z.number().int().min(1),
  /** Data sources the rule needs, for coverage reports. */
  sources: stringList,
  /** One or two sentences for the alerts reference. */
  summary: z.string().min(1),
  /** Why the rule matches what it matches: the decisions behind it. */
  notes: z.string().min(1),
  falsePositives: z.string().min(1),
  on: ruleScopeSchema,
  condition: z.unknown(),
  exceptions: z.array(exceptionSchema).default([]),
  detector: detectorSchema.optional(),
  aggregate: z
    .strictObject({
      by: stringList.optional(),
      window: duration.default('1h'),
    })
    .default({ window: '1h' }),
  description: z.string().min(1),
  remediation: z.string().min(1),
  tests: z.array(ruleTestSchema).min(2),
});

export type RuleFile = z.infer<typeof ruleFileSchema>;
export type RuleScope = z.infer<typeof ruleScopeSchema>;
export type Detector = z.infer<typeof detectorSchema>;
export type RuleException = z.infer<typeof exceptionSchema>;

/** Parse `30s`, `10m`, `1h` or `7d` into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (!match) throw new Error(`invalid duration ${JSON.stringify(text)}`);
  const units = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 } as const;
  return Number(match[1]) * units[match[2] as keyof typeof units];
}

/** Rank severities so that comparisons read as numbers. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}
