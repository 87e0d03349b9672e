import { execFileSync } from 'node:child_process';

/** Syscall audit rules that a test adds under its own key. */
export interface AuditSyscallRules {
  key: string;
  /** Deletes the rules that were added, and nothing on a second call. */
  remove(): string[];
}

function specs(key: string, syscalls: readonly string[]): string[][] {
  return ['b64', 'b32'].map((arch) => [
    'always,exit',
    '-F',
    `arch=${arch}`,
    '-S',
    syscalls.join(','),
    '-F',
    `key=${key}`,
  ]);
}

/**
 * Adds exit rules for the syscalls under `key`. The key must not start
 * with `vigil`, so that the agent's own rule removal leaves these alone,
 * and these never touch the agent's. `remove` returns the errors of the
 * deletions that failed.
 */
export function addAuditSyscallRules(
  key: string,
  syscalls: readonly string[],
): AuditSyscallRules {
  if (key.startsWith('vigil')) {
    throw new Error(`audit key must not start with vigil: ${key}`);
  }
  const added: string[][] = [];
  const rules = {
    key,
    remove(): string[] {
      const errors: string[] = [];
      for (const spec of added.splice(0)) {
        try {
          execFileSync('auditctl', ['-d', ...spec], { stdio: 'pipe' });
        } catch (error) {
          errors.push(`auditctl -d ${spec.join(' ')}: ${String(error)}`);
        }
      }
      return errors;
    },
  };
  try {
    for (const spec of specs(key, syscalls)) {
      execFileSync('auditctl', ['-a', ...spec], { stdio: 'pipe' });
      added.push(spec);
    }
  } catch (error) {
    rules.remove();
    throw error;
  }
  return rules;
}
