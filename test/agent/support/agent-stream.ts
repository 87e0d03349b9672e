import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = new URL('../../../dist/src/cli/main.js', import.meta.url).pathname;

/**
 * Runs `vigil agent --output - --audit-log -` on `input` as the audit
 * stream, with no container runtime, a fresh data directory and no /proc
 * scan during the run. Returns the process result and the JSON objects
 * it printed, alerts and events alike.
 */
export function runAgentOnStream(input: string, args: readonly string[]) {
  const result = spawnSync(
    process.execPath,
    [
      cli,
      'agent',
      '--output',
      '-',
      '--audit-log',
      '-',
      '--runtime-socket',
      '/nonexistent.sock',
      '--data-dir',
      mkdtempSync(join(tmpdir(), 'vigil-agent-stream-')),
      '--scan-interval',
      '600000',
      '--log-level',
      'warn',
      ...args,
    ],
    { input, encoding: 'utf8', timeout: 30_000 },
  );
  const objects = result.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  return { ...result, objects };
}
