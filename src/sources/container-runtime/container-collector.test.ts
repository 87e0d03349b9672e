import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureTestImage,
  type PodmanService,
  podman,
  startPodmanService,
  TEST_IMAGE,
} from '../../../test/agent/support/podman.js';
import type { ContainerEvent } from '../event.js';
import { ContainerCollector } from './container-collector.js';
import { ContainerDirectory } from './container-directory.js';
import { DockerApiClient } from './docker-api-client.js';

let service: PodmanService;
const started: string[] = [];

beforeAll(async () => {
  ensureTestImage();
  service = await startPodmanService();
}, 60_000);

afterAll(async () => {
  for (const id of started) podman('rm', '-f', '-t', '0', id);
  await service?.stop();
}, 30_000);

async function waitFor<T>(probe: () => T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('ContainerCollector with Podman', () => {
  it('reports a privileged container from inspect', async () => {
    const client = new DockerApiClient(service.socketPath);
    const directory = new ContainerDirectory(client);
    const events: ContainerEvent[] = [];
    const collector = new ContainerCollector(
      client,
      directory,
      { cluster: 'c1', node: 'node-a', engine: 'podman' },
      (event) => events.push(event),
    );
    collector.start();
    await new Promise((resolve) => setTimeout(resolve, 500));

    const id = podman(
      'run',
      '-d',
      '--privileged',
      '--label',
      'io.kubernetes.pod.name=web-1',
      '--label',
      'io.kubernetes.pod.namespace=shop',
      TEST_IMAGE,
      'sleep',
      '30',
    );
    started.push(id);
    const start = await waitFor(() =>
      events.find(
        (e) =>
          e.runtime.action === 'start' &&
          e.container !== 'unknown' &&
          e.container.id === id,
      ),
    );
    await collector.stop();

    expect(start.runtime.privileged).toBe(true);
    expect(start.container).toMatchObject({
      id,
      privileged: true,
      image: TEST_IMAGE,
    });
    expect(start.pod).toMatchObject({ name: 'web-1', namespace: 'shop' });
    expect(start.runtime.command).toEqual(['sleep', '30']);
  });

  it('reports an unprivileged container as such', async () => {
    const client = new DockerApiClient(service.socketPath);
    const id = podman('run', '-d', TEST_IMAGE, 'sleep', '30');
    started.push(id);
    const details = await new ContainerDirectory(client).get(id);
    expect(details?.privileged).toBe(false);
    expect(details?.pod).toBe('unknown');
  });

  it('remembers an unknown id as missing', async () => {
    const directory = new ContainerDirectory(
      new DockerApiClient(service.socketPath),
    );
    const id = 'f'.repeat(64);
    expect(await directory.get(id)).toBeUndefined();
    expect(await directory.get(id)).toBeUndefined();
    expect(directory.inspections).toBe(1);
  });
});
