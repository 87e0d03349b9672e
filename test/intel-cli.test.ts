import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const cli = new URL('../dist/src/cli/main.js', import.meta.url).pathname;
const fixtures = new URL('./fixtures/corpus/threat-intel/', import.meta.url)
  .pathname;
const dir = mkdtempSync(join(tmpdir(), 'vigil-intel-cli-'));
const dataDir = join(dir, 'data');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function vigil(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

const nsgLog = {
  records: [
    {
      time: '2024-03-01T10:00:00Z',
      resourceId: '/SUBSCRIPTIONS/X/NETWORKSECURITYGROUPS/AKS-AGENTPOOL-NSG',
      properties: {
        Version: 2,
        flows: [
          {
            rule: 'DefaultRule_AllowInternetOutBound',
            flows: [
              {
                mac: '000D3AF87856',
                flowTuples: [
                  '1709287200,10.224.0.4,113.10.246.30,50000,443,T,O,A,E,10,900,8,4000',
                  '1709287201,10.224.0.4,192.0.2.44,50001,80,T,O,A,E,1,60,1,60',
                  '1709287202,10.224.0.4,8.8.8.8,50002,53,U,O,A,E,1,60,1,60',
                ],
              },
            ],
          },
        ],
      },
    },
  ],
};

describe('vigil intel', () => {
  it('loads a STIX bundle and reports what it skipped', () => {
    const result = vigil(
      'intel',
      'load',
      join(fixtures, 'stix2/poisonivy.json'),
      '--name',
      'poisonivy',
      '--data-dir',
      dataDir,
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      'poisonivy: updated, 64 indicators (ipv4 40, domain 24), 3 problems\n',
    );
    expect(result.stderr).toContain(
      'poisonivy.json:617: object path "file:name" is not supported',
    );
  });

  it('rejects a feed with no usable indicator', () => {
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '# nothing\nnot-an-indicator\n');
    const result = vigil(
      'intel',
      'load',
      empty,
      '--name',
      'empty',
      '--data-dir',
      dataDir,
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('new copy has no usable indicator');
  });

  it('lists the shipped set and stored feeds', () => {
    const result = vigil('intel', 'list', '--json', '--data-dir', dataDir);
    const rows = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((r) => r.name)).toEqual([
      'tor-exit-secops',
      'vigil-test',
      'poisonivy',
    ]);
    expect(rows[0].counts).toEqual({ ipv4: 1127, ipv6: 619 });
    expect(rows[2]).toMatchObject({ status: 'ok', category: 'malicious' });
  });

  it('looks values up with category and source', () => {
    const result = vigil(
      'intel',
      'lookup',
      '113.10.246.30',
      '2a0b:f4c2::2',
      'x.www.webserver.dynssl.com',
      '8.8.8.8',
      '--data-dir',
      dataDir,
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      [
        '113.10.246.30: malicious (poisonivy)',
        '2a0b:f4c2::2: tor-exit (tor-exit-secops)',
        'x.www.webserver.dynssl.com: malicious (poisonivy)',
        '8.8.8.8: not listed',
        '',
      ].join('\n'),
    );
  });

  it('exits 1 when nothing is listed', () => {
    const result = vigil('intel', 'lookup', '8.8.4.4', '--data-dir', dataDir);
    expect(result.status).toBe(1);
  });
});

describe('vigil scan of flow logs', () => {
  const log = join(dir, 'PT1H.json');
  writeFileSync(log, JSON.stringify(nsgLog));
  const inventory = join(dir, 'inventory.json');
  writeFileSync(
    inventory,
    JSON.stringify({
      addresses: [{ address: '10.224.0.4', node: 'aks-nodepool1-0' }],
    }),
  );

  it('raises for listed servers with the node named', () => {
    const result = vigil(
      'scan',
      '--format',
      'json',
      '--intel',
      `malicious=${join(fixtures, 'stix2/poisonivy.json')}`,
      '--inventory',
      inventory,
      '--cluster',
      'aks-prod',
      log,
    );
    expect(result.status).toBe(0);
    const alerts = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(
      alerts.map((a) => [a.alertType, a.entities.details.listedAddresses]),
    ).toEqual([
      ['NET_MaliciousServerCommunication', ['113.10.246.30']],
      ['NET_MaliciousServerCommunication', ['192.0.2.44']],
    ]);
    expect(alerts[0].entities.node).toBe('aks-nodepool1-0');
    expect(alerts[0].cluster).toBe('aks-prod');
    expect(alerts[0].evidence[0].origin).toBe(`${log}:1`);
    expect(result.stderr).toMatch(/: 0 requests in 0 records, .*, \d+ flows\n/);
  });

  it('uses feeds stored by intel load', () => {
    const result = vigil(
      'scan',
      '--format',
      'json',
      '--no-default-intel',
      '--intel-data-dir',
      dataDir,
      log,
    );
    const alerts = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(alerts.map((a) => a.entities.details.listedAddresses)).toEqual([
      ['113.10.246.30'],
    ]);
  });

  it('leaves the shipped test range out on request', () => {
    const result = vigil('scan', '--format', 'json', '--no-default-intel', log);
    expect(result.stdout).toBe('');
  });

  it('rejects an unknown intel category', () => {
    const result = vigil('scan', '--intel', `botnet=${log}`, log);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('unknown category "botnet"');
  });
});
