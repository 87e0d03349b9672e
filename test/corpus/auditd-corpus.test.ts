import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditCollector } from '../../src/sources/auditd/audit-collector.js';
import type { HostEvent, ProcessEvent } from '../../src/sources/event.js';

/** Returns the corpus folder, whose samples may not be redistributed. */
function corpusDirectory(): string {
  const directory = process.env.VIGIL_CORPUS;
  if (directory === undefined || directory === '') {
    throw new Error('VIGIL_CORPUS is not set: set it to the corpus folder');
  }
  if (!existsSync(directory)) {
    throw new Error(`VIGIL_CORPUS folder not found: ${directory}`);
  }
  return directory;
}

async function collect(relative: string) {
  const events: HostEvent[] = [];
  const problems: string[] = [];
  const collector = new AuditCollector(
    { cluster: 'c1', node: 'node-a' },
    (event) => events.push(event),
    (problem) => problems.push(`${problem.line}: ${problem.reason}`),
  );
  const path = join(corpusDirectory(), 'auditd', relative);
  await collector.readStream(createReadStream(path));
  return { events, problems, stats: collector.stats };
}

describe('auditd corpus', () => {
  it('reads the Elastic record zoo', async () => {
    const { events, problems, stats } = await collect(
      'elastic-test-auditd-raw.log',
    );
    expect(problems).toEqual([
      '42: missing type=… msg=audit(TIME:SERIAL) header',
    ]);
    expect(stats.records).toBe(46);
    expect(events).toEqual([]);
  });

  it('reads the ENRICHED psexec event', async () => {
    const { events, problems } = await collect(
      'wazuh-impacket-psexec-enriched.log',
    );
    expect(problems).toEqual([]);
    expect(events).toHaveLength(1);
    const event = events[0] as ProcessEvent;
    expect(event.process.argv).toEqual([
      '/usr/bin/python3',
      './runtime',
      'psexec.py',
      'exchangetest.com/administrator@192.168.0.57',
      '-hashes',
      'c615d74f277acb732af4e8680330fcf1:c615d74f277acb732af4e8680330fcf1',
    ]);
    expect(event.process.cwd).toBe('/tmp');
    expect(event.process.exe).toBe('/usr/bin/python3.6');
  });

  it('reads the 48-argument aarch64 exec', async () => {
    const { events, problems } = await collect(
      'audit-userspace/auparse-test4.log',
    );
    expect(problems).toEqual([]);
    const [ld] = events as ProcessEvent[];
    expect(ld?.process.argv).toHaveLength(48);
    expect(ld?.process.argv.slice(0, 3)).toEqual([
      '/bin/sh',
      '-efu',
      '/usr/bin/ld',
    ]);
    expect(ld?.truncated).toBe(false);
  });

  for (const name of [
    'auparse-test.log',
    'auparse-test2.log',
    'auparse-test3.log',
  ]) {
    it(`reads audit-userspace ${name}`, async () => {
      const { problems, stats } = await collect(`audit-userspace/${name}`);
      expect(problems).toEqual([]);
      expect(stats.records).toBeGreaterThan(0);
    });
  }

  it('reads every go-libaudit sample', async () => {
    const expected: Record<string, string[]> = {
      'aucoalesce-testcases.log': [],
      'auparse-audit-rhel6.log': [],
      'auparse-audit-rhel7.log': [
        '31: missing type=… msg=audit(TIME:SERIAL) header',
      ],
      'auparse-audit-ubuntu14.log': [],
      'auparse-audit-ubuntu16.log': [],
      'auparse-audit-ubuntu17.log': [],
      'auparse-test2.log': [],
      'auparse-test3.log': [],
      'reassembler-lost_messages.log': [],
      'reassembler-normal.log': [],
      'reassembler-out_of_order.log': [],
      'reassembler-rollover.log': [],
    };
    for (const [name, problems] of Object.entries(expected)) {
      const result = await collect(`go-libaudit/${name}`);
      expect(result.problems, name).toEqual(problems);
    }
  });

  it('marks an exec without arguments as truncated', async () => {
    const { events } = await collect('go-libaudit/auparse-audit-ubuntu17.log');
    const [grep] = events as ProcessEvent[];
    expect(grep?.process.exe).toBe('/bin/grep');
    expect(grep?.process.argv).toEqual([]);
    expect(grep?.truncated).toBe(true);
  });
});
