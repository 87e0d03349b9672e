import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

const cli = new URL('../dist/src/cli/main.js', import.meta.url).pathname;
const fixtures = new URL(
  './fixtures/corpus/k8s-audit/falco-trace-files/',
  import.meta.url,
).pathname;
const dir = mkdtempSync(join(tmpdir(), 'vigil-scan-cli-'));

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

function privilegedPod(name: string, userAgent = 'kubectl/v1.30.2') {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: `5b3c6c1e-0d7f-4b8e-9a55-${name.length.toString().padStart(12, '0')}`,
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/default/pods',
    verb: 'create',
    user: { username: 'alice@example.com', groups: ['system:authenticated'] },
    sourceIPs: ['198.51.100.20'],
    userAgent,
    objectRef: {
      resource: 'pods',
      namespace: 'default',
      name,
      apiVersion: 'v1',
    },
    responseStatus: { code: 201 },
    requestObject: {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { name, namespace: 'default' },
      spec: {
        containers: [
          { name: 'c', image: 'nginx', securityContext: { privileged: true } },
        ],
      },
    },
    requestReceivedTimestamp: '2026-11-02T10:00:00.000000Z',
    stageTimestamp: '2026-11-02T10:00:00.010000Z',
  };
}

describe('vigil scan', () => {
  it('prints one alert object per line with --format json', () => {
    const { status, stdout } = vigil(
      'scan',
      '--format',
      'json',
      `${fixtures}k8s_audit/create_nginx_pod_privileged.json`,
    );
    expect(status).toBe(0);
    const alerts = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(alerts.map((a) => a.alertType)).toEqual(['K8S_PrivilegedContainer']);
    const [alert] = alerts;
    for (const field of [
      'id',
      'alertType',
      'title',
      'severity',
      'tactics',
      'techniques',
      'status',
      'startTime',
      'endTime',
      'count',
      'cluster',
      'entities',
      'evidence',
      'description',
      'remediation',
      'ruleVersion',
    ]) {
      expect(alert).toHaveProperty(field);
    }
    expect(alert.entities.containers).toEqual([
      { name: 'nginx', image: 'nginx' },
    ]);
  });

  it('reports an unusable line as FILE:LINE and goes on', () => {
    const file = `${fixtures}k8s_audit/fal_01_003.json`;
    const { status, stderr } = vigil(
      'scan',
      file,
      `${fixtures}k8s_audit/exec_pod.json`,
    );
    expect(status).toBe(0);
    expect(stderr).toContain(`${file}:1: unrecognized audit log value`);
    expect(stderr).toMatch(/scanned 2 file\(s\): 1 requests/);
  });

  it('exits 3 with --fail-on when an alert is at the threshold', () => {
    const file = `${fixtures}k8s_audit/create_nginx_pod_privileged.json`;
    expect(vigil('scan', '--fail-on', 'Informational', file).status).toBe(3);
  });

  it('exits 0 with --fail-on above every raised severity', () => {
    const file = `${fixtures}k8s_audit/create_nginx_pod_privileged.json`;
    expect(vigil('scan', '--fail-on', 'High', file).status).toBe(0);
  });

  it('filters alerts with --min-severity', () => {
    const file = `${fixtures}k8s_audit/create_nginx_pod_privileged.json`;
    const { stdout } = vigil(
      'scan',
      '--format',
      'json',
      '--min-severity',
      'Low',
      file,
    );
    expect(stdout).toBe('');
  });

  it('reads gzip-compressed logs', () => {
    const file = join(dir, 'audit.log.gz');
    writeFileSync(file, gzipSync(`${JSON.stringify(privilegedPod('web'))}\n`));
    const { stdout } = vigil('scan', '--format', 'json', file);
    expect(JSON.parse(stdout).alertType).toBe('K8S_PrivilegedContainer');
  });

  it('escapes control characters in the table', () => {
    const file = join(dir, 'hostile.log');
    const name = 'web\u001b]0;owned\u0007\u001b[2J';
    writeFileSync(
      file,
      `${JSON.stringify(privilegedPod(name, 'x\u001b[31m'))}\n`,
    );
    const { stdout } = vigil('scan', file);
    expect(stdout).toContain('\\u001b]0;owned\\u0007');
    expect(stdout).not.toContain('\u001b');
  });

  it('counts a request logged at two stages once', () => {
    const file = join(dir, 'stages.log');
    const started = { ...privilegedPod('db'), stage: 'ResponseStarted' };
    const done = privilegedPod('db');
    writeFileSync(
      file,
      `${JSON.stringify(started)}\n${JSON.stringify(done)}\n`,
    );
    const { stdout, stderr } = vigil('scan', '--format', 'json', file);
    expect(JSON.parse(stdout).count).toBe(1);
    expect(stderr).toContain('1 requests in 2 records');
  });

  it('drops a record repeated by a log shipper', () => {
    const file = join(dir, 'repeat.log');
    const line = `${JSON.stringify(privilegedPod('cache'))}\n`;
    writeFileSync(file, line + line);
    const { stdout, stderr } = vigil('scan', '--format', 'json', file);
    expect(JSON.parse(stdout).count).toBe(1);
    expect(stderr).toContain('0 truncated, 1 repeated');
  });

  it('applies an exceptions file', () => {
    const exceptions = join(dir, 'exceptions.yaml');
    writeFileSync(
      exceptions,
      [
        'exceptions:',
        '  - name: default-namespace-lab',
        '    rule: K8S_PrivilegedContainer',
        '    reason: The lab runs privileged pods in default.',
        '    condition: { field: audit.objectRef.namespace, equals: default }',
        '',
      ].join('\n'),
    );
    const file = `${fixtures}k8s_audit/create_nginx_pod_privileged.json`;
    const { stdout } = vigil(
      'scan',
      '--format',
      'json',
      '--exceptions',
      exceptions,
      file,
    );
    expect(stdout).toBe('');
  });

  it('reads past a deeply nested item of an array', () => {
    const file = join(dir, 'deep.json');
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const before = JSON.stringify(privilegedPod('first'));
    const after = JSON.stringify({ ...privilegedPod('second'), auditID: 'b2' });
    writeFileSync(file, `[\n${before},\n${deep},\n${after}\n]\n`);
    const { status, stdout, stderr } = vigil('scan', '--format', 'json', file);
    expect(status).toBe(0);
    const pods = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).entities.pod);
    expect(pods.sort()).toEqual(['first', 'second']);
    expect(stderr).toContain(`${file}:3: unrecognized audit log value`);
  });

  it('names the cluster given with --cluster', () => {
    const file = join(dir, 'cluster.log');
    writeFileSync(file, `${JSON.stringify(privilegedPod('api'))}\n`);
    const { stdout } = vigil(
      'scan',
      '--format',
      'json',
      '--cluster',
      'prod-eu',
      file,
    );
    expect(JSON.parse(stdout).cluster).toBe('prod-eu');
  });

  it('exits 2 naming a missing file and scans the rest', () => {
    const file = `${fixtures}k8s_audit/create_nginx_pod_privileged.json`;
    const { status, stdout, stderr } = vigil(
      'scan',
      '--format',
      'json',
      '/nonexistent/a.log',
      file,
    );
    expect(status).toBe(2);
    expect(stderr).toContain(
      'vigil: cannot read /nonexistent/a.log: file not found\n',
    );
    expect(stderr).toContain('scanned 1 file(s), 1 unreadable');
    expect(JSON.parse(stdout).alertType).toBe('K8S_PrivilegedContainer');
  });

  it('names a directory given as a file', () => {
    const { status, stderr } = vigil('scan', dir);
    expect(status).toBe(2);
    expect(stderr).toContain(
      `vigil: cannot read ${dir}: is a directory, not a file\n`,
    );
  });

  it('rejects an unknown severity', () => {
    const { status, stderr } = vigil('scan', '--fail-on', 'Critical', 'x.log');
    expect(status).toBe(1);
    expect(stderr).toContain("argument 'Critical' is invalid");
  });
});
