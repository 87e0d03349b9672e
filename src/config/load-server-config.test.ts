import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadServerConfig } from './load-server-config.js';
import { SERVER_SETTINGS } from './server-settings.js';

function configFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-config-')), 'vigil.yaml');
  writeFileSync(file, text);
  return file;
}

const docs = readFileSync(
  new URL('../../docs/server.md', import.meta.url),
  'utf8',
);

describe('loadServerConfig', () => {
  it('defaults without input', () => {
    const config = loadServerConfig({ flags: {}, env: {} });
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(8080);
    expect(config.dataDir).toBe('./data');
    expect(config.database).toBeUndefined();
    expect(config.bodyLimitBytes).toBe(16 * 1024 * 1024);
    expect(config.adminToken).toBeUndefined();
  });

  it('flag beats environment beats file', () => {
    const file = configFile(
      'port: 1111\nhost: 127.0.0.2\ndataDir: /from-file\n',
    );
    const config = loadServerConfig({
      flags: { port: '3333' },
      env: { VIGIL_PORT: '2222', VIGIL_HOST: '127.0.0.3' },
      file,
    });
    expect(config.port).toBe(3333);
    expect(config.host).toBe('127.0.0.3');
    expect(config.dataDir).toBe('/from-file');
  });

  it('invalid flag names flag and fix', () => {
    expect(() =>
      loadServerConfig({ flags: { port: '99999' }, env: {} }),
    ).toThrow(/invalid flag --port: must be a TCP port from 0 to 65535/);
  });

  it('invalid environment names variable', () => {
    expect(() =>
      loadServerConfig({ flags: {}, env: { VIGIL_BODY_LIMIT_BYTES: 'lots' } }),
    ).toThrow(
      /environment variable VIGIL_BODY_LIMIT_BYTES: must be a positive whole number/,
    );
  });

  it('invalid file value names file', () => {
    const file = configFile('logLevel: loud\n');
    expect(() => loadServerConfig({ flags: {}, env: {}, file })).toThrow(
      /logLevel in .*vigil.yaml/,
    );
  });

  it('unknown file key is rejected', () => {
    const file = configFile('prot: 8080\n');
    expect(() => loadServerConfig({ flags: {}, env: {}, file })).toThrow(
      /unknown setting "prot"; valid settings are host, port/,
    );
  });

  it('database must be a postgres URL', () => {
    expect(() =>
      loadServerConfig({ flags: { database: 'mysql://x' }, env: {} }),
    ).toThrow(/must be a postgres:\/\/ URL/);
  });

  it('TLS needs certificate and key', () => {
    expect(() =>
      loadServerConfig({ flags: { tlsCert: '/c.pem' }, env: {} }),
    ).toThrow(/tlsCert and tlsKey must be set together/);
  });

  it('short admin token is rejected', () => {
    const load = () =>
      loadServerConfig({ flags: {}, env: { VIGIL_ADMIN_TOKEN: 'short' } });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/at least 16/);
  });

  it('file path names file and setting', () => {
    const file = configFile('tlsCert: /nonexistent/cert.pem\ntlsKey: /k\n');
    expect(() =>
      loadServerConfig({ flags: {}, env: {}, file }, { checkPaths: true }),
    ).toThrow(`${file}: tlsCert /nonexistent/cert.pem: file not found`);
  });

  it('paths are checked only on request', () => {
    const config = loadServerConfig({
      flags: { rulesDir: '/nonexistent/rules' },
      env: {},
    });
    expect(config.rulesDir).toBe('/nonexistent/rules');
  });

  it('docs list every setting', () => {
    const rows = new Map<string, string[]>();
    for (const match of docs.matchAll(
      /^\| `(\w+)` \| `(--[\w-]+)` \| `(VIGIL_\w+)` \| (.+?) \| (.+?) \| (.+) \|$/gm,
    )) {
      rows.set(match[1] as string, match.slice(2, 7));
    }
    expect([...rows.keys()]).toEqual(Object.keys(SERVER_SETTINGS));
    for (const [name, setting] of Object.entries(SERVER_SETTINGS)) {
      const parsed = setting.schema.safeParse(undefined);
      const value = parsed.success ? parsed.data : undefined;
      const expectedDefault = value === undefined ? 'unset' : `\`${value}\``;
      expect(rows.get(name), name).toEqual([
        setting.flag,
        setting.env,
        expectedDefault,
        setting.unit,
        setting.description,
      ]);
    }
  });
});
