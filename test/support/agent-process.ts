import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { CLI } from './server-process.js';

/** A `vigil agent --output -` child process and what it printed. */
export interface AgentProcess {
  child: ChildProcess;
  /** Every JSON object printed on stdout so far, in order. */
  objects(): Record<string, unknown>[];
  /** What the agent wrote on stderr (pino logs). */
  stderr(): string;
  /** Sends SIGTERM, then SIGKILL after `ms`, and waits for the exit. */
  stop(ms?: number): Promise<number | null>;
}

/** Maximum bytes of stderr kept, so a chatty agent cannot fill memory. */
const MAX_STDERR = 1024 * 1024;

/**
 * Starts the built CLI's `agent` command with `--output -` and the given
 * arguments. Lines that are not JSON are kept as `{unparsed: line}`, so a
 * test that looks for alerts still sees them in its failure message.
 */
export function startAgentProcess(
  args: readonly string[],
  env: Record<string, string> = {},
): AgentProcess {
  const child = spawn(
    process.execPath,
    [CLI, 'agent', '--output', '-', ...args],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const objects: Record<string, unknown>[] = [];
  let partial = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line === '') continue;
      try {
        objects.push(JSON.parse(line));
      } catch {
        objects.push({ unparsed: line });
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < MAX_STDERR) stderr += chunk.toString('utf8');
  });
  const exited = once(child, 'exit');
  return {
    child,
    objects: () => objects,
    stderr: () => stderr,
    async stop(ms = 5000): Promise<number | null> {
      if (child.exitCode !== null || child.signalCode !== null) {
        return child.exitCode;
      }
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      const [code] = await exited;
      clearTimeout(timer);
      return code as number | null;
    },
  };
}
