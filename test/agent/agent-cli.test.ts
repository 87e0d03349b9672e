import { spawn } from 'node:child_process';
import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAgentOnStream } from './support/agent-stream.js';
import {
  TEST_MARKER,
  writeMarkerRulePack,
} from './support/marker-rule-pack.js';

const cli = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;
const normalLog = new URL(
  '../fixtures/corpus/auditd/go-libaudit/reassembler-normal.log',
  import.meta.url,
).pathname;

/** An ENRICHED exec event of the marker, as auditd 3 writes it. */
const markerEvent = [
  'type=SYSCALL msg=audit(1796349200.623:900): arch=c000003e syscall=59 success=yes exit=0 items=2 ppid=1 pid=77 auid=1000 uid=0 euid=0 comm="echo" exe="/usr/bin/echo" key="vigil_exec"\x1dARCH=x86_64 SYSCALL=execve AUID="ana"',
  `type=EXECVE msg=audit(1796349200.623:900): argc=2 a0="/bin/echo" a1="${TEST_MARKER}"`,
  'type=CWD msg=audit(1796349200.623:900): cwd="/tmp"',
  'type=PROCTITLE msg=audit(1796349200.623:900): proctitle=2F62696E2F6563686F0078',
  // A hostile command line with terminal escapes must come out escaped.
  'type=SYSCALL msg=audit(1796349200.700:901): arch=c000003e syscall=59 success=yes exit=0 items=1 ppid=1 pid=78 auid=1000 uid=0 comm="sh" exe="/bin/sh"',
  'type=EXECVE msg=audit(1796349200.700:901): argc=2 a0="sh" a1=1B5B324A1B5D303B70776E6564',
  'type=PROCTITLE msg=audit(1796349200.700:901): proctitle="sh"',
  'type=UNKNOWN[1329] msg=?',
].join('\n');

function agent(input: string, ...args: string[]) {
  return runAgentOnStream(input, [
    '--rules',
    writeMarkerRulePack(),
    '--node',
    'node-a',
    ...args,
  ]);
}

describe('vigil agent --output - with --audit-log -', () => {
  it('prints the alert of a stdin audit stream', () => {
    const { status, objects } = agent(markerEvent);
    expect(status).toBe(0);
    const alerts = objects.filter((o) => typeof o.alertType === 'string');
    expect(alerts.map((a) => a.alertType)).toEqual(['TEST_AgentMarker']);
    expect(alerts[0].update).toBe(false);
    expect(alerts[0].entities.node).toBe('node-a');
    expect(alerts[0].entities.process).toBe(`/bin/echo ${TEST_MARKER}`);
    expect(objects.some((o) => typeof o.kind === 'string')).toBe(false);
  });

  it('marks the update of a repeated alert', () => {
    // The same exec again, with the next serial: the rule aggregates it
    // into the open alert, which is sent again with its final count.
    const repeat = markerEvent
      .split('\n')
      .slice(0, 4)
      .join('\n')
      .replaceAll('1796349200.623:900', '1796349201.100:902');
    const { status, objects } = agent(`${markerEvent}\n${repeat}\n`);
    expect(status).toBe(0);
    const alerts = objects.filter((o) => typeof o.alertType === 'string');
    expect(alerts).toHaveLength(2);
    const [opened, updated] = alerts;
    expect(updated.id).toBe(opened.id);
    expect(opened.update).toBe(false);
    expect(opened.count).toBe(1);
    expect(updated.update).toBe(true);
    expect(updated.count).toBe(2);
  });

  it('prints normalized events with --events', () => {
    const input = `${readFileSync(normalLog, 'utf8')}\n${markerEvent}\n`;
    const { status, stdout, objects } = agent(input, '--events');
    expect(status).toBe(0);
    const audit = objects.filter((o) => o.origin?.format === 'auditd');
    expect(audit.map((e) => `${e.kind} ${e.id}`)).toEqual([
      'network audit:node-a:1492037289.295:58',
      'process audit:node-a:1492037291.036:59',
      'process audit:node-a:1492037291.038:60',
      'network audit:node-a:1492037298.883:61',
      'process audit:node-a:1796349200.623:900',
      'process audit:node-a:1796349200.700:901',
    ]);
    expect(audit[5].process.argv[1]).toBe('\x1b[2J\x1b]0;pwned');
    expect(stdout.includes('\x1b')).toBe(false);
  });
});

describe('vigil agent following a log file', () => {
  it('stays up, alerts on appended lines and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-agent-follow-'));
    const log = join(dir, 'audit.log');
    writeFileSync(log, '');
    const child = spawn(process.execPath, [
      cli,
      'agent',
      '--output',
      '-',
      '--audit-log',
      log,
      '--audit-from-start',
      '--rules',
      writeMarkerRulePack(),
      '--runtime-socket',
      '/nonexistent.sock',
      '--data-dir',
      dir,
      '--scan-interval',
      '600000',
      '--log-level',
      'warn',
    ]);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );

    await new Promise((resolve) => setTimeout(resolve, 1500));
    appendFileSync(log, `${markerEvent}\n`);
    const end = Date.now() + 10_000;
    while (!stdout.includes('TEST_AgentMarker') && Date.now() < end) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(child.exitCode).toBeNull();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const alerts = stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    expect(alerts.map((a) => a.alertType)).toEqual(['TEST_AgentMarker']);
  });
});
