import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { K8sAuditEvent } from '../event.js';
import {
  type AuditReadStats,
  createAuditReadStats,
} from './audit-read-stats.js';
import type { AuditDiagnostic } from './audit-value-handler.js';
import { type ReadAuditOptions, readAuditFile } from './read-audit-file.js';
import { FIXTURES, falcoEvent } from './test-events.js';

const directory = mkdtempSync(join(tmpdir(), 'vigil-audit-'));

interface ReadResult {
  events: K8sAuditEvent[];
  diagnostics: string[];
  stats: AuditReadStats;
}

async function read(
  path: string,
  options: ReadAuditOptions = {},
): Promise<ReadResult> {
  const stats = createAuditReadStats();
  const diagnostics: string[] = [];
  const onDiagnostic = (d: AuditDiagnostic) =>
    diagnostics.push(`${d.line}: ${d.reason}`);
  const events: K8sAuditEvent[] = [];
  for await (const event of readAuditFile(path, {
    ...options,
    stats,
    onDiagnostic,
  })) {
    events.push(event);
  }
  return { events, diagnostics, stats };
}

function writeTemp(name: string, content: string | Buffer): string {
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
}

const EXEC = JSON.stringify(falcoEvent('k8s_audit/exec_pod.json'));
const HOST_PID = JSON.stringify(falcoEvent('psp/host_pid.json'));

describe('readAuditFile', () => {
  it('reads every Falco trace file', async () => {
    const folder = join(FIXTURES, 'k8s-audit/falco-trace-files/k8s_audit');
    let events = 0;
    const diagnostics: string[] = [];
    for (const name of readdirSync(folder).sort()) {
      const result = await read(join(folder, name));
      events += result.events.length;
      for (const d of result.diagnostics) diagnostics.push(`${name}:${d}`);
    }
    expect(events).toBe(51);
    expect(diagnostics).toEqual([
      'fal_01_003.json:1: unrecognized audit log value: expected an audit ' +
        'Event, EventList, AKS diagnostic record, CloudWatch Logs event ' +
        'or GKE Cloud Logging entry',
    ]);
  });

  it('reads Panther EKS lines as UTC', async () => {
    const path = join(
      FIXTURES,
      'eks-cloudwatch/panther-eks-audit-anonymous-scanner.jsonl',
    );
    const { events, stats } = await read(path, {
      format: 'eks',
      defaultCluster: 'eks-prod',
    });
    expect(events.map((event) => event.time)).toEqual([
      '2024-11-13T18:34:10.595Z',
      '2024-11-13T23:50:32.672Z',
    ]);
    expect(events.map((event) => event.audit.responseStatus?.code)).toEqual([
      200, 403,
    ]);
    expect(events[1]?.audit.requestURI).toBe(
      '/vendor/phpunit/src/Util/PHP/eval-stdin.php',
    );
    expect(events[0]?.origin.format).toBe('eks');
    expect(events[0]?.cluster).toBe('eks-prod');
    expect(stats.lines).toBe(2);
  });

  it('reports bad lines and reads on', async () => {
    const path = writeTemp(
      'bad-lines.log',
      [EXEC, '{bad', EXEC, '42', '', `${EXEC}\r`, '{"kind":"Event"}'].join(
        '\n',
      ),
    );
    const { events, diagnostics, stats } = await read(path);
    expect(events.map((event) => event.origin.line)).toEqual([1, 3, 6]);
    expect(diagnostics).toEqual([
      `2: invalid JSON: ${parseError('{bad')}`,
      '4: unrecognized audit log value: expected a JSON object or array, ' +
        'got a number',
      '7: missing verb',
    ]);
    expect(stats).toEqual({
      lines: 7,
      values: 6,
      events: 3,
      truncated: 0,
      skipped: { 'invalid-json': 1, 'unknown-format': 1, 'invalid-event': 1 },
    });
  });

  it('salvages a cut line', async () => {
    // v1beta1 events carry `timestamp` before the request object.
    const privileged = JSON.stringify(falcoEvent('psp/privileged.json'));
    const cut = privileged.slice(0, privileged.indexOf('"requestObject"') + 99);
    const path = writeTemp('cut-line.log', `${cut}\n${EXEC}\n`);
    const { events, diagnostics, stats } = await read(path);
    expect(diagnostics).toEqual([]);
    expect(events.map((event) => event.truncated)).toEqual([true, false]);
    expect(events[0]?.audit.verb).toBe('create');
    expect(events[0]?.time).toBe('2018-10-25T14:09:12.000Z');
    expect(events[0]?.audit.requestObject).toBeUndefined();
    expect(stats.truncated).toBe(1);
  });

  it('reports a cut line without time', async () => {
    const cut = HOST_PID.slice(0, HOST_PID.indexOf('"requestObject"') + 100);
    const { diagnostics } = await read(writeTemp('cut-bad.log', `${cut}\n`));
    expect(diagnostics).toEqual([
      `1: invalid JSON: ${parseError(cut)}, and the cut value is ` +
        'unusable: missing requestReceivedTimestamp',
    ]);
  });

  it('skips an oversized line', async () => {
    const long = `{"pad":"${'x'.repeat(300_000)}"}`;
    const path = writeTemp('long.log', [EXEC, long, EXEC].join('\n'));
    const { events, diagnostics } = await read(path, {
      maxValueBytes: 100_000,
    });
    expect(events.map((event) => event.origin.line)).toEqual([1, 3]);
    expect(diagnostics).toEqual([
      '2: line is longer than the maximum of 100000 bytes',
    ]);
  });

  it('skips an oversized line inside one chunk', async () => {
    const long = `{"pad":"${'x'.repeat(5_000)}"}`;
    const path = writeTemp('long-short.log', [EXEC, long, EXEC].join('\n'));
    const { events, diagnostics } = await read(path, {
      maxValueBytes: 4_000,
    });
    expect(events.map((event) => event.origin.line)).toEqual([1, 3]);
    expect(diagnostics).toEqual([
      '2: line is longer than the maximum of 4000 bytes',
    ]);
  });

  it('reads CRLF lines and blank lines', async () => {
    const text = ['', `  ${EXEC}\t`, ' ', HOST_PID, ''].join('\r\n');
    const { events, diagnostics, stats } = await read(
      writeTemp('crlf.log', text),
    );
    expect(diagnostics).toEqual([]);
    expect(events.map((event) => event.origin.line)).toEqual([2, 4]);
    expect(stats.lines).toBe(4);
  });

  it('reads gzip by magic bytes', async () => {
    const path = writeTemp('audit.log', gzipSync(`${EXEC}\n${HOST_PID}\n`));
    const { events } = await read(path);
    expect(events.map((event) => event.audit.objectRef?.resource)).toEqual([
      'pods',
      'pods',
    ]);
  });

  it('reads a pretty-printed array', async () => {
    const items = [falcoEvent('k8s_audit/exec_pod.json'), { kind: 'Event' }];
    const path = writeTemp('pretty.json', JSON.stringify(items, null, 2));
    const { events, diagnostics, stats } = await read(path);
    expect(events.map((event) => event.origin.line)).toEqual([2]);
    const second = 2 + JSON.stringify(items[0], null, 2).split('\n').length;
    expect(diagnostics).toEqual([`${second}: missing verb`]);
    expect(stats.lines).toBe(second + 3);
  });

  it('streams a large one-line EventList', async () => {
    const items = Array.from({ length: 200 }, (_, i) => ({
      ...falcoEvent('psp/host_pid.json'),
      auditID: `id-${i}`,
    }));
    const body = JSON.stringify({ kind: 'EventList', items });
    expect(body.length).toBeGreaterThan(500_000);
    const { events, diagnostics, stats } = await read(
      writeTemp('list.json', body),
      { maxValueBytes: 64_000 },
    );
    expect(diagnostics).toEqual([]);
    expect(events.length).toBe(200);
    expect(events[199]?.id).toBe('id-199');
    expect(stats.values).toBe(200);
  });

  it('reads values sharing a line', async () => {
    const envelope = (id: string) =>
      JSON.stringify({
        messageType: 'DATA_MESSAGE',
        logGroup: '/aws/eks/blue/cluster',
        logEvents: [{ id, timestamp: 1, message: EXEC }],
      });
    const path = writeTemp('firehose.log', envelope('1') + envelope('2'));
    const { events, diagnostics } = await read(path);
    expect(diagnostics).toEqual([]);
    expect(events.map((event) => event.cluster)).toEqual(['blue', 'blue']);
  });
});

function parseError(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected invalid JSON');
}
