import { type ChildProcess, execFileSync, spawn } from 'node:child_process';

/** A network namespace joined to the host by a veth pair. */
export interface NetworkNamespace {
  name: string;
  /** The host end's address. */
  hostAddress: string;
  /** The address inside the namespace. */
  address: string;
  /**
   * Starts `busybox nc -l` on `port` inside the namespace. It ends after
   * one connection or after `ms` milliseconds, whichever comes first.
   */
  listen(port: number, ms: number): ChildProcess;
  /** Stops listeners, deletes the namespace and the veth pair. */
  remove(): string[];
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe', timeout: 10_000 });
}

/**
 * Creates a namespace with a /30 from 198.51.100.0/24 (TEST-NET-2, kept
 * for documentation by RFC 5737), reached only through the veth pair.
 * The /30 is picked from the pid, so that test runs side by side usually
 * get different routes.
 */
export function createNetworkNamespace(tag: string): NetworkNamespace {
  const id = `${tag}${process.pid % 100_000}`;
  const name = `vigil-${id}`;
  const hostEnd = `${id}h`.slice(0, 15);
  const innerEnd = `${id}n`.slice(0, 15);
  const block = 4 * (1 + (process.pid % 62));
  const hostAddress = `198.51.100.${block + 1}`;
  const address = `198.51.100.${block + 2}`;
  const listeners: ChildProcess[] = [];

  const remove = (): string[] => {
    const errors: string[] = [];
    for (const child of listeners.splice(0)) {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    for (const args of [
      ['netns', 'del', name],
      // Deleting the namespace deletes its veth end and so the pair. This
      // removes the host end too when the move into it failed.
      ['link', 'del', hostEnd],
    ]) {
      try {
        ip(...args);
      } catch (error) {
        const text = String((error as { stderr?: Buffer }).stderr ?? error);
        if (!/No such|Cannot find|does not exist/i.test(text)) {
          errors.push(`ip ${args.join(' ')}: ${text.trim()}`);
        }
      }
    }
    return errors;
  };

  try {
    ip('netns', 'add', name);
    ip('link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', innerEnd);
    ip('link', 'set', innerEnd, 'netns', name);
    ip('addr', 'add', `${hostAddress}/30`, 'dev', hostEnd);
    ip('link', 'set', hostEnd, 'up');
    ip(
      'netns',
      'exec',
      name,
      'ip',
      'addr',
      'add',
      `${address}/30`,
      'dev',
      innerEnd,
    );
    ip('netns', 'exec', name, 'ip', 'link', 'set', innerEnd, 'up');
    ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
  } catch (error) {
    remove();
    throw error;
  }

  return {
    name,
    hostAddress,
    address,
    listen(port: number, ms: number): ChildProcess {
      const child = spawn(
        'timeout',
        [
          `${Math.ceil(ms / 1000)}`,
          'ip',
          'netns',
          'exec',
          name,
          'busybox',
          'nc',
          '-l',
          '-p',
          String(port),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      listeners.push(child);
      return child;
    },
    remove,
  };
}
