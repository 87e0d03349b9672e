import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HostEvent, NetworkEvent, ProcessEvent } from '../event.js';
import { AuditCollector } from './audit-collector.js';

const FIXTURES = join(
  import.meta.dirname,
  '../../../test/fixtures/corpus/auditd/go-libaudit',
);

async function collect(name: string) {
  const events: HostEvent[] = [];
  const problems: string[] = [];
  const collector = new AuditCollector(
    { cluster: 'c1', node: 'node-a', file: name },
    (event) => events.push(event),
    (problem) => problems.push(`${problem.line}: ${problem.reason}`),
  );
  await collector.readStream(createReadStream(join(FIXTURES, name)));
  return { events, problems, stats: collector.stats };
}

function summary(events: HostEvent[]) {
  return events.map((event) =>
    event.kind === 'network'
      ? `${event.id} ${event.network.remoteAddress}:${event.network.remotePort}`
      : event.kind === 'process'
        ? `${event.id} ${event.process.argv.join(' ')}`
        : event.id,
  );
}

const EXPECTED = [
  'audit:node-a:1492037289.295:58 169.254.169.254:80',
  'audit:node-a:1492037291.036:59 grep --color=auto mapping',
  'audit:node-a:1492037291.038:60 cat securitybeat',
  'audit:node-a:1492037298.883:61 public/pickup:0',
];

describe('AuditCollector on reassembler samples', () => {
  it('joins the normal stream', async () => {
    const { events, problems, stats } = await collect('reassembler-normal.log');
    expect(summary(events)).toEqual(EXPECTED);
    expect(problems).toEqual([]);
    expect(stats.lostEvents).toBe(0);
    expect(stats.outOfOrder).toBe(0);
  });

  it('joins shuffled records', async () => {
    const { events, stats } = await collect('reassembler-out_of_order.log');
    expect(summary(events)).toEqual(EXPECTED);
    expect(stats.outOfOrder).toBe(2);
    expect(stats.late).toBe(0);
  });

  it('counts lost events from the serial gap', async () => {
    const { events, stats } = await collect('reassembler-lost_messages.log');
    expect(events).toHaveLength(4);
    expect(events[0]?.id).toBe('audit:node-a:1492037289.295:49');
    expect(stats.lostEvents).toBe(9);
  });

  it('follows serials across rollover', async () => {
    const { stats } = await collect('reassembler-rollover.log');
    expect(stats.events).toBe(5);
    expect(stats.lostEvents).toBe(0);
    expect(stats.outOfOrder).toBe(0);
  });

  it('reads process fields of an exec', async () => {
    const { events } = await collect('reassembler-normal.log');
    const grep = events[1] as ProcessEvent;
    expect(grep.kind).toBe('process');
    expect(grep.process).toMatchObject({
      pid: 13393,
      ppid: 12041,
      uid: 1000,
      auid: 1000,
      euid: 1000,
      exe: '/usr/bin/grep',
      name: 'grep',
      cwd: '/home/exampleuser',
    });
    expect(grep.container).toBe('unknown');
    expect(grep.time).toBe('2017-04-12T22:48:11.036Z');
  });

  it('decodes a hex exe on connect', async () => {
    const { events } = await collect('reassembler-normal.log');
    const connect = events[0] as NetworkEvent;
    expect(connect.process.exe).toBe('/usr/bin/python2.7;58d1ccfb (deleted)');
    expect(connect.network.family).toBe('ipv4');
  });

  it('reads the coalesce cases', async () => {
    const { events, problems } = await collect('aucoalesce-testcases.log');
    expect(problems).toEqual([]);
    expect(summary(events).map((s) => s.split(' ').slice(1).join(' '))).toEqual(
      [
        'uname -a',
        '169.254.169.254:80',
        'docker inspect 721df12151a7',
        'dash -p',
      ],
    );
  });
});

describe('AuditCollector on ENRICHED lines', () => {
  it('uses the resolved syscall name', async () => {
    const events: HostEvent[] = [];
    const collector = new AuditCollector({ cluster: 'c', node: 'n' }, (e) =>
      events.push(e),
    );
    const lines = [
      'type=SYSCALL msg=audit(1796349200.623:6): arch=c000003e syscall=999 success=yes exit=0 items=2 ppid=1 pid=2 auid=4294967295 uid=0 euid=0 comm="true" exe="/usr/bin/true" key="vigil_exec"\x1dARCH=x86_64 SYSCALL=execve AUID="unset"',
      'type=EXECVE msg=audit(1796349200.623:6): argc=1 a0="/bin/true"',
      'type=PROCTITLE msg=audit(1796349200.623:6): proctitle="/bin/true"',
      'type=EOE msg=audit(1796349200.623:6): ',
    ];
    for (const [i, line] of lines.entries()) collector.pushLine(line, i + 1);
    expect(events).toHaveLength(1);
    expect((events[0] as ProcessEvent).process.argv).toEqual(['/bin/true']);
  });
});

describe('AuditCollector bounds', () => {
  const syscall = (serial: number) =>
    `type=SYSCALL msg=audit(1700000000.000:${serial}): arch=c000003e syscall=59 success=yes exit=0 ppid=1 pid=2 uid=0 auid=0 comm="x" exe="/x"`;

  it('closes the oldest event when the buffer is full', () => {
    const events: HostEvent[] = [];
    const collector = new AuditCollector(
      { cluster: 'c', node: 'n' },
      (e) => events.push(e),
      () => {},
      { maxOpenEvents: 2, reorderWindow: 1000 },
    );
    for (const serial of [10, 11, 12]) collector.pushLine(syscall(serial), 1);
    expect(events.map((e) => e.id)).toEqual(['audit:n:1700000000.000:10']);
    expect(events[0]?.truncated).toBe(true);
    expect(collector.stats.evicted).toBe(1);
  });

  it('closes an event after the timeout', () => {
    let now = 0;
    const events: HostEvent[] = [];
    const collector = new AuditCollector(
      { cluster: 'c', node: 'n' },
      (e) => events.push(e),
      () => {},
      { timeoutMs: 2000, now: () => now },
    );
    collector.pushLine(syscall(5), 1);
    collector.expire();
    expect(events).toHaveLength(0);
    now = 2500;
    collector.expire();
    expect(events).toHaveLength(1);
    expect(collector.stats.timedOut).toBe(1);
  });

  it('counts a record for an emitted event as late', () => {
    const collector = new AuditCollector({ cluster: 'c', node: 'n' }, () => {});
    collector.pushLine(syscall(7), 1);
    collector.pushLine(
      'type=PROCTITLE msg=audit(1700000000.000:7): proctitle="x"',
      2,
    );
    collector.pushLine('type=CWD msg=audit(1700000000.000:7): cwd="/"', 3);
    expect(collector.stats.late).toBe(1);
  });
});
