import { spawn, spawnSync } from 'node:child_process';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { loadRulePack } from '../src/engine/load-rules.js';
import { defaultRulePackDir } from '../src/engine/rule-pack-dir.js';
import { scanFiles } from '../src/scan/scan-files.js';
import { mixedEvent } from './generate-audit-log.js';

/**
 * Ingest benchmark. In one run, on loopback:
 *
 * 1. times `vigil scan`'s pipeline (scanFiles) over a generated log;
 * 2. posts the same events to a `vigil serve` child process as the API
 *    server's batch webhook would (EventList bodies of 400 events, the
 *    kube-apiserver default batch size, over several connections), with
 *    an undici pool, and times both the acknowledgements and the end of
 *    detection (the queue drained);
 * 3. posts fresh events at a fixed 10,000 events/s with autocannon and
 *    reads the receipt-to-stored-alert latency histogram from /metrics.
 *
 * It also reports the CPU time per event of the scan and of the server
 * (every thread, from /proc) during step 2, split into the HTTP thread,
 * the detection thread and the rest, and that of the load generator. On
 * a shared machine these vary less than the rates, which follow the
 * machine's load.
 *
 *   node dist/bench/ingest-bench.js [--events 200000] [--rate 10000]
 *     [--seconds 10] [--connections 8] [--rules DIR] [--output FILE]
 *     [--profile DIR]
 *
 * `--profile DIR` writes a V8 CPU profile of the server into DIR.
 */

const BATCH = 400;
/**
 * Connections of the throughput phase. The API server's buffered webhook
 * backend sends each batch from a goroutine of its own, so several
 * batches are in flight at once. `--connections` sets another number.
 */
const DEFAULT_CONNECTIONS = 8;
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
/** Clock ticks per second of /proc/PID/stat, as `getconf CLK_TCK` prints. */
const CLOCK_TICKS = Number(
  spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100,
);

/** Serializes `count` generated events stamped from `startMs` on. */
function eventLines(first: number, count: number, startMs: number): string[] {
  const lines: string[] = [];
  for (let n = first; n < first + count; n++) {
    const event = mixedEvent(n) as Record<string, unknown>;
    // 10 events per millisecond keep the order and stay after enrolment.
    const time = new Date(startMs + Math.floor((n - first) / 10)).toISOString();
    event.requestReceivedTimestamp = time;
    event.stageTimestamp = time;
    lines.push(JSON.stringify(event));
  }
  return lines;
}

/**
 * Returns the EventList bodies of 400 lines each, encoded once, so that
 * the load generator spends its time sending rather than encoding.
 */
function batches(lines: string[]): Buffer[] {
  const bodies: Buffer[] = [];
  for (let i = 0; i < lines.length; i += BATCH) {
    const items = lines.slice(i, i + BATCH).join(',');
    bodies.push(
      Buffer.from(
        `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[${items}]}`,
      ),
    );
  }
  return bodies;
}

async function scanRate(
  file: string,
  events: number,
  rulesDir: string,
): Promise<{ rate: number; cpuSeconds: number }> {
  const pack = loadRulePack(rulesDir);
  const started = performance.now();
  const cpu = process.cpuUsage();
  await scanFiles([file], { pack, onAlert: () => {} });
  const used = process.cpuUsage(cpu);
  return {
    rate: events / ((performance.now() - started) / 1000),
    cpuSeconds: (used.user + used.system) / 1e6,
  };
}

/**
 * Returns the CPU time (utime and stime) in seconds from a /proc stat
 * file: /proc/PID/stat for every thread of a process, or
 * /proc/PID/task/TID/stat for one thread.
 */
function statCpuSeconds(file: string): number {
  const stat = readFileSync(file, 'utf8');
  // The command name in brackets may hold spaces, so fields are counted
  // after its closing bracket: state is field 3, utime 14 and stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** CPU seconds of a process, in all and by thread id. */
interface CpuSample {
  total: number;
  threads: Map<string, number>;
}

function sampleCpu(pid: number): CpuSample {
  const threads = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      threads.set(tid, statCpuSeconds(`/proc/${pid}/task/${tid}/stat`));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return { total: statCpuSeconds(`/proc/${pid}/stat`), threads };
}

/**
 * Splits the CPU time used between two samples into the main thread
 * (whose id is the pid), the busiest other thread (the detection
 * thread) and the rest (garbage collection and libuv helpers).
 */
function splitCpu(pid: number, before: CpuSample, after: CpuSample) {
  const used = [...after.threads].map(([tid, seconds]) => ({
    tid,
    seconds: seconds - (before.threads.get(tid) ?? 0),
  }));
  const main = used.find((thread) => thread.tid === String(pid))?.seconds;
  const others = used
    .filter((thread) => thread.tid !== String(pid))
    .sort((a, b) => b.seconds - a.seconds);
  const detection = others[0]?.seconds ?? 0;
  const total = after.total - before.total;
  return {
    total,
    main: main ?? 0,
    detection,
    rest: total - (main ?? 0) - detection,
  };
}

interface Server {
  url: string;
  /** CPU seconds the server process used so far, in all and by thread. */
  cpu(): CpuSample;
  pid: number;
  stop(): Promise<void>;
}

async function startServer(
  dataDir: string,
  profileDir: string | undefined,
): Promise<Server> {
  const profile = profileDir
    ? ['--cpu-prof', '--cpu-prof-dir', profileDir]
    : [];
  const child = spawn(
    process.execPath,
    [...profile, CLI, 'serve', '--port', '0', '--data-dir', dataDir],
    {
      env: { ...process.env, VIGIL_ADMIN_TOKEN: ADMIN_TOKEN },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http[^"]+)","msg":"server listening"/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) =>
      reject(new Error(`server exited with ${code}`)),
    );
  });
  return {
    url,
    cpu: () => sampleCpu(child.pid as number),
    pid: child.pid as number,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function metrics(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  return response.text();
}

function metricValue(text: string, name: string): number {
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

/** Cumulative bucket counts of the latency histogram, by upper bound. */
function latencyBuckets(text: string): Map<string, number> {
  const buckets = new Map<string, number>();
  const pattern =
    /^vigil_receipt_to_alert_seconds_bucket\{le="([^"]+)"\} (\S+)$/gm;
  for (const match of text.matchAll(pattern)) {
    buckets.set(match[1] as string, Number(match[2]));
  }
  return buckets;
}

/** Returns the upper bound of the bucket that contains the 99th percentile. */
function p99Bound(
  before: Map<string, number>,
  after: Map<string, number>,
): string {
  const total = (after.get('+Inf') ?? 0) - (before.get('+Inf') ?? 0);
  for (const [bound, count] of after) {
    if (count - (before.get(bound) ?? 0) >= total * 0.99) return `${bound} s`;
  }
  return 'n/a';
}

async function waitForDrain(url: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const depth = metricValue(await metrics(url), 'vigil_queue_depth_events');
    if (depth === 0 || Date.now() > deadline) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function post(
  url: string,
  token: string,
  bodies: Buffer[],
  options: { connections: number; overallRate?: number },
): Promise<autocannon.Result> {
  let next = 0;
  return autocannon({
    url: `${url}/k8s-audit`,
    method: 'POST',
    connections: options.connections,
    overallRate: options.overallRate,
    amount: bodies.length,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    },
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          body: bodies[next++ % bodies.length],
        }),
      },
    ],
  });
}

/**
 * Posts every body once, as fast as the server takes them, over
 * `connections` keep-alive connections of an undici pool, each sending
 * its next body once the previous one is acknowledged. undici spends less
 * CPU per request than autocannon, which shares the machine's cores with
 * the server.
 */
async function postAll(
  url: string,
  token: string,
  bodies: Buffer[],
  connections: number,
): Promise<{ non2xx: number; errors: number }> {
  const pool = new Pool(url, { connections, pipelining: 1 });
  const counts = { non2xx: 0, errors: 0 };
  let next = 0;
  const send = async () => {
    while (next < bodies.length) {
      const body = bodies[next++] as Buffer;
      try {
        const response = await pool.request({
          path: '/k8s-audit',
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
          },
          body,
        });
        await response.body.dump();
        if (response.statusCode < 200 || response.statusCode > 299) {
          counts.non2xx++;
        }
      } catch {
        counts.errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, send));
  await pool.close();
  return counts;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '200000' },
      rate: { type: 'string', default: '10000' },
      seconds: { type: 'string', default: '10' },
      output: { type: 'string' },
      profile: { type: 'string' },
      rules: { type: 'string' },
      connections: { type: 'string', default: String(DEFAULT_CONNECTIONS) },
    },
  });
  const connections = Number(values.connections);
  const events = Number(values.events);
  const rulesDir = values.rules ?? defaultRulePackDir();
  // The server loads the same pack as the scan.
  process.env.VIGIL_RULES_DIR = rulesDir;
  const rate = Number(values.rate);
  const latencyEvents = rate * Number(values.seconds);
  const work = mkdtempSync(join(tmpdir(), 'vigil-ingest-bench-'));

  // A run that fails stops its server too, which would otherwise keep
  // the caller's output pipe open.
  let running: Server | undefined;
  try {
    const server = await startServer(join(work, 'data'), values.profile);
    running = server;
    const enrol = spawnSync(
      process.execPath,
      [
        CLI,
        'clusters',
        'add',
        'bench',
        '--json',
        '--data-dir',
        join(work, 'data'),
      ],
      { encoding: 'utf8' },
    );
    if (enrol.status !== 0) {
      throw new Error(`clusters add failed: ${enrol.stderr.trim()}`);
    }
    const { token } = JSON.parse(enrol.stdout) as { token: string };
    const startMs = Date.now() + 1000;

    const lines = eventLines(0, events, startMs);
    const file = join(work, 'audit.log');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const scan = await scanRate(file, events, rulesDir);

    const bodies = batches(lines);
    const cpuBefore = server.cpu();
    const loadCpuBefore = process.cpuUsage();
    const started = performance.now();
    const load = await postAll(server.url, token, bodies, connections);
    const acknowledgedMs = performance.now() - started;
    const drainedMs = (await waitForDrain(server.url, 120_000)) - started;
    const ackRate = events / (acknowledgedMs / 1000);
    const ingestRate = events / (drainedMs / 1000);
    const loadCpu = process.cpuUsage(loadCpuBefore);
    const serverCpu = splitCpu(server.pid, cpuBefore, server.cpu());
    const perEvent = (seconds: number) => ((seconds / events) * 1e6).toFixed(1);

    const paced = batches(eventLines(events, latencyEvents, startMs + events));
    const before = latencyBuckets(await metrics(server.url));
    const paceLoad = await post(server.url, token, paced, {
      connections: 2,
      overallRate: rate / BATCH,
    });
    await waitForDrain(server.url, 60_000);
    const after = latencyBuckets(await metrics(server.url));
    running = undefined;
    await server.stop();

    const lscpu = spawnSync('lscpu', { encoding: 'utf8' }).stdout;
    const model =
      /Model name:\s*(.+)/.exec(lscpu)?.[1]?.trim() ?? cpus()[0]?.model;
    const nproc = spawnSync('nproc', { encoding: 'utf8' }).stdout.trim();
    const alerts = (after.get('+Inf') ?? 0) - (before.get('+Inf') ?? 0);
    const report = [
      `machine: ${nproc} CPUs, ${model}, Node.js ${process.version}`,
      `events: ${events} in batches of ${BATCH}, ${connections} connections`,
      `offline scan: ${Math.round(scan.rate)} events/s`,
      `webhook acknowledged: ${Math.round(ackRate)} events/s (${load.non2xx} non-2xx, ${load.errors} errors)`,
      `webhook to queue drained: ${Math.round(ingestRate)} events/s`,
      `ingest rate / scan rate: ${(ingestRate / scan.rate).toFixed(2)}`,
      `CPU per event: scan ${perEvent(scan.cpuSeconds)} µs, server ${perEvent(serverCpu.total)} µs (both threads), scan / server ${(scan.cpuSeconds / serverCpu.total).toFixed(2)}`,
      `server CPU per event by thread: main ${perEvent(serverCpu.main)} µs, detection ${perEvent(serverCpu.detection)} µs, others ${perEvent(serverCpu.rest)} µs; load generator ${perEvent((loadCpu.user + loadCpu.system) / 1e6)} µs`,
      `paced at ${rate} events/s for ${values.seconds} s: ${paceLoad.non2xx} non-2xx, ${alerts} alerts, p99 receipt-to-stored-alert latency <= ${p99Bound(before, after)}`,
    ].join('\n');
    process.stdout.write(`${report}\n`);
    if (values.output) writeFileSync(values.output, `${report}\n`);
  } finally {
    await running?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
