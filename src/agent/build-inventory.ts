import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { release } from 'node:os';
import { promisify } from 'node:util';
import type { ContainerDirectory } from '../sources/container-runtime/container-directory.js';
import type { DockerApiClient } from '../sources/container-runtime/docker-api-client.js';
import type { AgentIdentity, Inventory } from './agent-protocol.js';

const run = promisify(execFile);

async function osName(): Promise<string> {
  const text = await readFile('/etc/os-release', 'utf8').catch(() => '');
  const match = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text);
  return match?.[1] ?? 'unknown';
}

async function auditEnabled(): Promise<boolean> {
  try {
    const { stdout } = await run('auditctl', ['-s'], { timeout: 5000 });
    return /^enabled [12]$/m.test(stdout);
  } catch {
    return false;
  }
}

async function runtimeVersion(client: DockerApiClient | undefined) {
  if (!client) return { engine: 'none', version: '' };
  try {
    const version = (await client.getJson('/version')) as Record<
      string,
      unknown
    >;
    const components = Array.isArray(version.Components)
      ? version.Components
      : [];
    const podman = components.some(
      (c: { Name?: unknown }) =>
        typeof c.Name === 'string' && /podman/i.test(c.Name),
    );
    return {
      engine: podman ? 'podman' : 'docker',
      version: typeof version.Version === 'string' ? version.Version : '',
    };
  } catch {
    return { engine: 'unreachable', version: '' };
  }
}

/**
 * Describes the node: kernel, OS, container runtime and its running
 * containers (listed from the runtime and inspected through the cache),
 * and whether kernel audit is enabled.
 */
export async function buildInventory(
  identity: AgentIdentity,
  client: DockerApiClient | undefined,
  directory: ContainerDirectory,
  socket: string,
): Promise<Inventory> {
  const runtime = await runtimeVersion(client);
  const containers: Inventory['containers'] = [];
  if (client && runtime.engine !== 'unreachable') {
    const listed = await client.getJson('/containers/json').catch(() => []);
    for (const entry of (Array.isArray(listed) ? listed : []).slice(0, 1000)) {
      const id = (entry as { Id?: unknown }).Id;
      if (typeof id !== 'string') continue;
      const details = await directory.get(id).catch(() => undefined);
      if (!details) continue;
      containers.push({
        id: details.id,
        name: details.name,
        image: details.image,
        privileged: details.privileged,
        podNamespace:
          details.pod === 'unknown' ? 'unknown' : details.pod.namespace,
        podName: details.pod === 'unknown' ? 'unknown' : details.pod.name,
      });
    }
  }
  return {
    ...identity,
    time: new Date().toISOString(),
    kernel: release(),
    os: await osName(),
    runtime: { ...runtime, socket },
    auditEnabled: await auditEnabled(),
    containers,
  };
}
