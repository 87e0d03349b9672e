import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { agentAuditRules, agentRuleDeletions } from './agent-audit-rules.js';

const run = promisify(execFile);

/** What installing or removing rules did. */
export interface RuleChange {
  applied: string[][];
  failed: { rule: string[]; error: string }[];
}

async function auditctl(args: string[]): Promise<string> {
  // execFile passes each argument as-is: no shell parses a path.
  const { stdout } = await run('auditctl', args, { timeout: 10_000 });
  return stdout;
}

/**
 * Adds the agent's audit rules. Rules already present (auditctl reports
 * "Rule exists") count as applied, so installing twice is harmless.
 */
export async function installAgentAuditRules(root = '/'): Promise<RuleChange> {
  const change: RuleChange = { applied: [], failed: [] };
  for (const rule of agentAuditRules(root)) {
    try {
      await auditctl(rule);
      change.applied.push(rule);
    } catch (error) {
      const message = (error as { stderr?: string }).stderr ?? String(error);
      if (/exists/i.test(message)) change.applied.push(rule);
      else change.failed.push({ rule, error: message.trim() });
    }
  }
  return change;
}

/** Deletes every audit rule that carries the agent's keys, and no other. */
export async function removeAgentAuditRules(): Promise<RuleChange> {
  const change: RuleChange = { applied: [], failed: [] };
  for (const rule of agentRuleDeletions(await auditctl(['-l']))) {
    try {
      await auditctl(rule);
      change.applied.push(rule);
    } catch (error) {
      const message = (error as { stderr?: string }).stderr ?? String(error);
      change.failed.push({ rule, error: message.trim() });
    }
  }
  return change;
}
