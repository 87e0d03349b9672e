import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from './support/server-process.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-input-paths-'));
const missing = join(dir, 'missing');
const plainFile = join(dir, 'plain.txt');
writeFileSync(plainFile, 'not a rule pack\n');
const audit = join(dir, 'audit.log');
writeFileSync(audit, '');

/** Each command, and the one line it must print for its bad path. */
const cases: {
  name: string;
  args: string[];
  env?: Record<string, string>;
  line: string;
}[] = [
  {
    name: 'serve --rules missing',
    args: ['serve', '--data-dir', dir, '--rules', missing],
    line: `vigil serve: --rules ${missing}: directory not found`,
  },
  {
    name: 'serve --tls-cert missing',
    args: [
      'serve',
      '--data-dir',
      dir,
      '--tls-cert',
      missing,
      '--tls-key',
      plainFile,
    ],
    line: `vigil serve: --tls-cert ${missing}: file not found`,
  },
  {
    name: 'serve --tls-key a directory',
    args: [
      'serve',
      '--data-dir',
      dir,
      '--tls-cert',
      plainFile,
      '--tls-key',
      dir,
    ],
    line: `vigil serve: --tls-key ${dir}: is a directory, not a file`,
  },
  {
    name: 'serve VIGIL_TLS_CERT missing',
    args: ['serve', '--data-dir', dir, '--tls-key', plainFile],
    env: { VIGIL_TLS_CERT: missing },
    line: `vigil serve: VIGIL_TLS_CERT=${missing}: file not found`,
  },
  {
    name: 'serve --client-ca missing',
    args: [
      'serve',
      '--data-dir',
      dir,
      '--tls-cert',
      plainFile,
      '--tls-key',
      plainFile,
      '--client-ca',
      missing,
    ],
    line: `vigil serve: --client-ca ${missing}: file not found`,
  },
  {
    name: 'serve --config missing',
    args: ['serve', '--data-dir', dir, '--config', missing],
    line: `vigil serve: --config ${missing}: file not found`,
  },
  {
    name: 'scan --rules missing',
    args: ['scan', '--rules', missing, audit],
    line: `vigil: --rules ${missing}: directory not found`,
  },
  {
    name: 'scan --rules a file',
    args: ['scan', '--rules', plainFile, audit],
    line: `vigil: --rules ${plainFile}: not a directory`,
  },
  {
    name: 'scan --exceptions missing',
    args: ['scan', '--exceptions', missing, audit],
    line: `vigil: --exceptions ${missing}: file not found`,
  },
  {
    name: 'scan --intel-data-dir missing',
    args: ['scan', '--intel-data-dir', missing, audit],
    line: `vigil: --intel-data-dir ${missing}: directory not found`,
  },
  {
    name: 'rules lint --exceptions missing',
    args: ['rules', 'lint', '--exceptions', missing],
    line: `vigil: --exceptions ${missing}: file not found`,
  },
  {
    name: 'rules test --rules missing',
    args: ['rules', 'test', '--rules', missing],
    line: `vigil: --rules ${missing}: directory not found`,
  },
  {
    name: 'web-root-scan --rules missing',
    args: ['web-root-scan', '--rules', missing, dir],
    line: `vigil: --rules ${missing}: directory not found`,
  },
  {
    name: 'agent --rules missing',
    args: ['agent', '--rules', missing, '--audit-log', audit],
    line: `vigil agent: --rules ${missing}: directory not found`,
  },
];

describe('unreadable path options', () => {
  it.each(cases)('$name prints one line', ({ args, env, line }) => {
    const result = spawnSync(process.execPath, [CLI, ...args], {
      encoding: 'utf8',
      env: { ...process.env, VIGIL_ADMIN_TOKEN: '', ...env },
      timeout: 20_000,
    });
    expect(result.stderr).toBe(`${line}\n`);
    expect(result.status).toBe(2);
  });
});
