import { z } from 'zod';

const text = (max: number) => z.string().max(max);
const list = (max: number) => z.array(text(4096)).max(max);

/** One alert as an agent sends it: the Alert contract, bounded in size. */
export const agentAlertSchema = z.strictObject({
  id: z.string().regex(/^[0-9a-f]{16,64}$/),
  alertType: z.string().regex(/^[A-Z][A-Za-z0-9_.]{0,99}$/),
  title: text(500),
  severity: z.enum(['High', 'Medium', 'Low', 'Informational']),
  tactics: list(20),
  techniques: list(50),
  status: z.literal('active'),
  startTime: z.iso.datetime(),
  endTime: z.iso.datetime(),
  count: z.number().int().min(1).max(1e12),
  cluster: text(253),
  entities: z.record(z.string().max(100), z.unknown()),
  evidence: z.array(z.unknown()).max(20),
  description: text(20_000),
  remediation: text(20_000),
  ruleVersion: z.number().int().min(1),
});

/** POST /api/v1/agent/alerts. */
export const alertBatchSchema = z.strictObject({
  cluster: text(253),
  node: z.string().min(1).max(253),
  agentVersion: text(100),
  batchId: z.string().regex(/^[0-9a-f]{32}$/),
  alerts: z.array(agentAlertSchema).max(5000),
});

/** POST /api/v1/agent/heartbeat. */
export const heartbeatSchema = z.strictObject({
  cluster: text(253),
  node: z.string().min(1).max(253),
  agentVersion: text(100),
  time: z.iso.datetime(),
  startedAt: z.iso.datetime(),
  counters: z.record(z.string().max(100), z.number()),
});

/** POST /api/v1/agent/inventory. */
export const inventorySchema = z.strictObject({
  cluster: text(253),
  node: z.string().min(1).max(253),
  agentVersion: text(100),
  time: z.iso.datetime(),
  kernel: text(200),
  os: text(200),
  runtime: z.strictObject({
    engine: text(50),
    socket: text(500),
    version: text(100),
  }),
  auditEnabled: z.boolean(),
  containers: z
    .array(
      z.strictObject({
        id: text(64),
        name: text(500),
        image: text(1000),
        privileged: z.boolean(),
        podNamespace: text(253),
        podName: text(253),
      }),
    )
    .max(5000),
});
