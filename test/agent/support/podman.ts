import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The local image the tests run; built from busybox, no registry needed. */
export const TEST_IMAGE = 'localhost/busybox:vigil-test-1';

/** Runs podman and returns its trimmed standard output. */
export function podman(...args: string[]): string {
  return execFileSync('podman', args, {
    encoding: 'utf8',
    timeout: 60_000,
  }).trim();
}

/** Imports the busybox image unless it exists. */
export function ensureTestImage(): void {
  try {
    podman('image', 'exists', TEST_IMAGE);
    return;
  } catch {
    // Not there yet: build it below.
  }
  const root = mkdtempSync(join(tmpdir(), 'vigil-rootfs-'));
  mkdirSync(join(root, 'bin'));
  copyFileSync('/bin/busybox', join(root, 'bin/busybox'));
  for (const name of ['sh', 'ls', 'cat', 'sleep', 'id', 'true', 'echo', 'nc']) {
    symlinkSync('busybox', join(root, 'bin', name));
  }
  const tar = `${root}.tar`;
  execFileSync('tar', ['-C', root, '-cf', tar, '.']);
  podman('import', tar, TEST_IMAGE);
}

/** A Podman API service on its own socket, stopped by `stop`. */
export interface PodmanService {
  socketPath: string;
  stop(): Promise<void>;
}

/** Starts `podman system service` on a new socket and waits for it. */
export async function startPodmanService(): Promise<PodmanService> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-podman-'));
  const socketPath = join(dir, 'podman.sock');
  const child: ChildProcess = spawn(
    'podman',
    ['system', 'service', '--time=0', `unix://${socketPath}`],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100 && !existsSync(socketPath); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!existsSync(socketPath)) {
    child.kill();
    throw new Error('podman system service did not create its socket in 10 s');
  }
  return {
    socketPath,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
