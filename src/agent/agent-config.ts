import { hostname } from 'node:os';
import { z } from 'zod';
import { httpUrlProblem } from '../config/http-url.js';

const serverUrl = z.string().superRefine((value, context) => {
  const problem = httpUrlProblem(value);
  if (problem) context.addIssue({ code: 'custom', message: problem });
});

/**
 * The settings of `vigil agent`, each with its default and unit. Flags
 * set them; the token comes only from VIGIL_AGENT_TOKEN, so that it never
 * appears in `ps`.
 */
export const agentConfigSchema = z.strictObject({
  /** Server base URL, such as https://vigil.example:8443; none to run alone. */
  server: serverUrl.optional(),
  cluster: z.string().min(1).max(253).default('default'),
  node: z.string().min(1).max(253).default(hostname()),
  /** Spool and last good copies of rule pack and intelligence. */
  dataDir: z.string().min(1).default('/var/lib/vigil-agent'),
  /** `-` prints alerts (and events with `events`) as JSON lines on stdout. */
  output: z.enum(['-']).optional(),
  events: z.boolean().default(false),
  /** Rule pack folder; the shipped pack by default. */
  rules: z.string().min(1).optional(),
  /**
   * Threat-intelligence feed files as `[CATEGORY=]FILE`, read at start
   * and used with what the server sends.
   */
  intel: z.array(z.string().min(1)).default([]),
  /** auditd's log; `-` reads an audisp plugin stream on stdin. */
  auditLog: z.string().min(1).default('/var/log/audit/audit.log'),
  /** Read the audit log from its start instead of its end. */
  auditFromStart: z.boolean().default(false),
  /**
   * Milliseconds between reads of the audit log while records arrive. An
   * idle log is watched for changes and not polled.
   */
  auditPollMs: z.number().int().min(10).max(5000).default(250),
  audit: z.boolean().default(true),
  /** Docker Engine API socket (Docker, or Podman's service). */
  runtimeSocket: z.string().min(1).default('/var/run/docker.sock'),
  procRoot: z.string().min(1).default('/proc'),
  /** Milliseconds between /proc scans. */
  scanIntervalMs: z.number().int().min(100).default(30_000),
  /** Bytes the spool may use. */
  spoolMaxBytes: z
    .number()
    .int()
    .min(4096)
    .default(256 * 1024 * 1024),
  heartbeatIntervalMs: z.number().int().min(100).default(30_000),
  inventoryIntervalMs: z.number().int().min(100).default(600_000),
  /** Milliseconds between rule pack and intelligence checks. */
  syncIntervalMs: z.number().int().min(100).default(300_000),
  logLevel: z
    .enum(['trace', 'debug', 'info', 'warn', 'error', 'silent'])
    .default('info'),
});

/** The validated agent configuration. */
export type AgentConfig = z.infer<typeof agentConfigSchema> & {
  token: string | undefined;
};

/**
 * Validates agent settings. Throws an Error naming the first invalid
 * setting and what it expects.
 */
export function parseAgentConfig(
  input: Record<string, unknown>,
  env: NodeJS.ProcessEnv = process.env,
): AgentConfig {
  const result = agentConfigSchema.safeParse(input);
  if (!result.success) {
    const [issue] = result.error.issues;
    const name = issue?.path.join('.') ?? 'setting';
    throw new Error(
      `invalid agent setting ${name}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const token = env.VIGIL_AGENT_TOKEN;
  if (result.data.server && !token) {
    throw new Error(
      'VIGIL_AGENT_TOKEN is not set: set it to the cluster token from `vigil clusters add`',
    );
  }
  return { ...result.data, token };
}
