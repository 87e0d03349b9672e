import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createTestDatabase } from '../support/postgres-database.js';
import { CLI, runClusters } from '../support/server-process.js';
import {
  createStoreBackend,
  type StoreBackend,
} from '../support/store-backends.js';

/** Runs `vigil clusters ARGS` with exactly these arguments. */
function clusters(args: string[]) {
  return spawnSync(process.execPath, [CLI, 'clusters', ...args], {
    encoding: 'utf8',
  });
}

function listedNames(backend: StoreBackend): string[] {
  return runClusters(backend, ['list', '--json'])
    .stdout.split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line).cluster);
}

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

  it('add on loopback HTTP warns of nothing', () => {
    const result = runClusters(backend, ['add', 'local-http']);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(runClusters(backend, ['remove', 'local-http']).status).toBe(0);
  });

  it('add warns of plain HTTP to another host', () => {
    const result = runClusters(backend, [
      'add',
      'remote-http',
      '--url',
      'http://vigil.example.com/k8s-audit',
    ]);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe(
      'vigil clusters add: warning: http://vigil.example.com/k8s-audit is plain HTTP, so the API server sends the token and the audit events unencrypted; serve HTTPS (--tls-cert, --tls-key) and enrol with an https:// --url\n',
    );
    expect(result.stdout).toContain('Ingest token');
    expect(runClusters(backend, ['remove', 'remote-http']).status).toBe(0);
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

  it('add with a missing CA enrols nothing', () => {
    const result = runClusters(backend, [
      'add',
      'no-ca',
      '--url',
      'https://vigil.example.com/k8s-audit',
      '--certificate-authority',
      '/nonexistent/ca.pem',
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'vigil clusters: --certificate-authority /nonexistent/ca.pem: file not found\n',
    );
    expect(result.stdout).toBe('');
    expect(listedNames(backend)).not.toContain('no-ca');
  });

  it('add rejects a CA that is no certificate', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vigil-ca-')), 'ca.pem');
    writeFileSync(file, 'not a certificate\n');
    const result = runClusters(backend, [
      'add',
      'bad-ca',
      '--url',
      'https://vigil.example.com/k8s-audit',
      '--certificate-authority',
      file,
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${file}: not a PEM certificate`);
    expect(listedNames(backend)).not.toContain('bad-ca');
  });

  it('add rejects a CA with an http URL', () => {
    const result = runClusters(backend, [
      'add',
      'http-ca',
      '--certificate-authority',
      '/nonexistent/ca.pem',
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('only used with an https:// --url');
    expect(listedNames(backend)).not.toContain('http-ca');
  });

  it('add embeds a valid CA', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-ca-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=vigil-test-ca',
        '-keyout',
        'ca.key',
        '-out',
        'ca.pem',
      ],
      { cwd: dir, stdio: 'ignore' },
    );
    const result = runClusters(backend, [
      'add',
      'with-ca',
      '--json',
      '--url',
      'https://vigil.example.com/k8s-audit',
      '--certificate-authority',
      join(dir, 'ca.pem'),
    ]);
    expect(result.status).toBe(0);
    const kubeconfig = parse(JSON.parse(result.stdout).kubeconfig);
    const data = kubeconfig.clusters[0].cluster['certificate-authority-data'];
    expect(Buffer.from(data, 'base64').toString()).toBe(
      readFileSync(join(dir, 'ca.pem'), 'utf8'),
    );
  });

  it.each([
    'vigil.example.com/k8s-audit',
    'ftp://vigil.example.com/k8s-audit',
    'localhost:8080',
    'http://',
  ])('add rejects --url %s', (url) => {
    const result = runClusters(backend, ['add', 'bad-url', '--url', url]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`invalid --url: ${JSON.stringify(url)}`);
    expect(listedNames(backend)).not.toContain('bad-url');
  });
});

describe('vigil clusters without a store', () => {
  const parent = mkdtempSync(join(tmpdir(), 'vigil-no-store-'));

  it.each([['list'], ['revoke', 'prod'], ['remove', 'prod']])(
    '%s on a missing data dir creates nothing',
    (...args) => {
      const dataDir = join(parent, 'TYPO');
      const result = clusters([...args, '--data-dir', dataDir]);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(
        `vigil clusters: no Vigil data in ${dataDir} (run \`vigil serve\` or \`vigil clusters add\` first`,
      );
      expect(existsSync(dataDir)).toBe(false);
    },
  );

  it('list on a data dir without a database', () => {
    const dataDir = join(parent, 'empty');
    mkdirSync(dataDir);
    const result = clusters(['list', '--data-dir', dataDir]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`no Vigil data in ${dataDir}`);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('add creates the missing data dir', () => {
    const dataDir = join(parent, 'new');
    const result = clusters(['add', 'prod', '--data-dir', dataDir]);
    expect(result.status).toBe(0);
    expect(clusters(['list', '--data-dir', dataDir]).stdout).toContain(
      'prod\tenrolled',
    );
  });

  it('list on an empty PostgreSQL database', async () => {
    const database = await createTestDatabase();
    try {
      const withPassword = new URL(database.url);
      withPassword.password = 'secret-password';
      const result = clusters(['list', '--database', withPassword.toString()]);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('no Vigil data in postgres://');
      expect(result.stderr).not.toContain('secret-password');

      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      const tables = await client.query(
        "select table_name from information_schema.tables where table_schema = 'public'",
      );
      await client.end();
      expect(tables.rows).toEqual([]);
    } finally {
      await database.drop();
    }
  });
});
