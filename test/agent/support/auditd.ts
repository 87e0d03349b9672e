import { execFileSync, spawnSync } from 'node:child_process';

/** True when auditctl can talk to the kernel audit subsystem. */
export function auditAvailable(): boolean {
  return spawnSync('auditctl', ['-s'], { encoding: 'utf8' }).status === 0;
}

/**
 * Starts auditd unless one is running. A running auditd is left alone,
 * whoever started it, and this one is not stopped afterwards either,
 * because other tests on the machine may read its log.
 */
export function ensureAuditd(): void {
  const running = spawnSync('pgrep', ['-x', 'auditd']).status === 0;
  if (!running) execFileSync('auditd', [], { timeout: 10_000 });
}

/** The agent rules currently loaded, as `auditctl -l` lists them. */
export function loadedAgentRules(): string[] {
  const listing = execFileSync('auditctl', ['-l'], { encoding: 'utf8' });
  return listing
    .split('\n')
    .filter((line) => /(?:-k |key=)vigil(?:_|\s|$)/.test(line));
}
