import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { StoreBackend } from './store-backends.js';

/** The built CLI that the tests run, as users do after `npm ci`. */
export const CLI = fileURLToPath(
  new URL('../../dist/src/cli/main.js', import.meta.url),
);

/** The admin token that test servers get through VIGIL_ADMIN_TOKEN. */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

/** A `vigil serve` child process. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends SIGTERM and waits for the exit code. */
  stop(): Promise<number | null>;
  /** Sends SIGKILL and waits for the process to end. */
  kill(): Promise<void>;
}

function storeArgs(backend: StoreBackend): string[] {
  const args = ['--data-dir', backend.dataDir];
  if (backend.database) args.push('--database', backend.database);
  return args;
}

/**
 * Starts `vigil serve` on a free loopback port and resolves once it logs
 * the address it listens on.
 */
export async function startServerProcess(
  backend: StoreBackend,
  options: { args?: string[]; env?: Record<string, string> } = {},
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'serve',
      '--port',
      '0',
      ...storeArgs(backend),
      ...(options.args ?? []),
    ],
    {
      env: {
        ...process.env,
        VIGIL_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`server did not start in 15 s:\n${output}`));
    }, 15_000);
    const check = () => {
      const match = /"url":"(http[^"]+)","msg":"server listening"/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });

  const exited = once(child, 'exit');
  return {
    url,
    child,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      const [code] = await exited;
      return code as number | null;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** What `vigil clusters add NAME --json` prints. */
export interface Enrolment {
  cluster: string;
  token: string;
  kubeconfig: string;
  enrolledAt: string;
}

/** Runs a `vigil clusters` subcommand against the backend's store. */
export function runClusters(
  backend: StoreBackend,
  args: string[],
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(
    process.execPath,
    [CLI, 'clusters', ...args, ...storeArgs(backend)],
    { encoding: 'utf8' },
  );
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

/** Enrols a cluster with `vigil clusters add NAME --json`. */
export function enrolCluster(backend: StoreBackend, name: string): Enrolment {
  const result = runClusters(backend, ['add', name, '--json']);
  if (result.status !== 0) {
    throw new Error(`clusters add ${name} failed: ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as Enrolment;
}
