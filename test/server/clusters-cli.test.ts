import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runClusters } from '../support/server-process.js';
import {
  createStoreBackend,
  type StoreBackend,
} from '../support/store-backends.js';

describe('vigil clusters', () => {
  let backend: StoreBackend;

  beforeAll(async () => {
    backend = await createStoreBackend('sqlite');
  });

  afterAll(async () => {
    await backend?.cleanup();
  });

  it('add --json prints token and kubeconfig', () => {
    const result = runClusters(backend, [
      'add',
      'prod-eu',
      '--json',
      '--url',
      'https://vigil.example.com/k8s-audit',
    ]);
    expect(result.status).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.cluster).toBe('prod-eu');
    expect(Buffer.from(output.token, 'base64url').length).toBe(32);
    expect(Date.parse(output.enrolledAt)).not.toBeNaN();

    const kubeconfig = parse(output.kubeconfig);
    expect(kubeconfig.clusters[0].cluster.server).toBe(
      'https://vigil.example.com/k8s-audit',
    );
    expect(kubeconfig.users[0].name).toBe('prod-eu');
    expect(kubeconfig.users[0].user.token).toBe(output.token);
    expect(parse(output.auditPolicy).kind).toBe('Policy');
  });

  it('add prints instructions for people', () => {
    const result = runClusters(backend, ['add', 'staging']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('--audit-webhook-config-file=');
    expect(result.stdout).toContain('kind: Policy');
  });

  it('add rejects a taken name', () => {
    const result = runClusters(backend, ['add', 'staging']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('cluster staging already exists');
  });

  it('add rejects an invalid name', () => {
    const result = runClusters(backend, ['add', 'Prod EU']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('invalid cluster name');
  });

  it('list, revoke and remove', () => {
    expect(runClusters(backend, ['revoke', 'staging']).status).toBe(0);
    const listed = runClusters(backend, ['list', '--json'])
      .stdout.trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(listed.map((c) => c.cluster)).toEqual(['prod-eu', 'staging']);
    expect(listed[1].revokedAt).not.toBeNull();

    expect(runClusters(backend, ['remove', 'staging']).status).toBe(0);
    const missing = runClusters(backend, ['remove', 'staging']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('cluster staging not found');
  });
});
