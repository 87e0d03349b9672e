import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  installAgentAuditRules,
  removeAgentAuditRules,
} from '../src/sources/auditd/audit-rules-control.js';

/**
 * Agent footprint benchmark, run as root on a machine with auditd. For
 * each exec rate it runs the same exec load twice: once without the agent
 * (the baseline) and once with `vigil agent` following the audit log with
 * the agent's audit rules installed, started as the DaemonSet starts it
 * (dist/src/agent/agent-main.js with its NODE_OPTIONS). It reports the agent's CPU as a
 * share of one core (utime + stime from /proc/PID/stat over wall time),
 * its peak resident memory (VmHWM), the events it read, and the machine's
 * busy CPU in both runs (from /proc/stat). The audit backlog limit is
 * raised for the run and restored afterwards. The load is bench/exec-load.c,
 * compiled with `cc` for the run. With `--compare FILE`, another build's
 * agent-main.js (an earlier commit, say) is measured after this one at
 * each rate, under the same load and rules, so that both come from one run.
 *
 * The load starts once the agent's start-up is over, when its CPU use
 * has dropped below a twentieth of a core. Its CPU is measured after the
 * load has run for `--warmup` seconds, in which V8 compiles the hot
 * paths on its background threads. The warm-up's CPU is reported apart.
 *
 *   node dist/bench/agent-bench.js [--rates 200,2000] [--seconds 10]
 *     [--warmup 10] [--rules DIR]
 *     [--compare OTHER/dist/src/agent/agent-main.js]
 */

const here = fileURLToPath(new URL('.', import.meta.url));
const cli = join(here, '../src/agent/agent-main.js');
/** The V8 limits the DaemonSet sets in NODE_OPTIONS. */
const NODE_OPTIONS = '--max-semi-space-size=2 --max-old-space-size=96';
const source = join(here, '../../bench/exec-load.c');
/** Generator processes run at once; each takes an equal share of the rate. */
const WORKERS = 4;
/** Share of one core under which the agent's start-up counts as over. */
const SETTLED_CORES = 0.05;
/** Seconds to wait at most for the start-up to be over. */
const MAX_STARTUP_SECONDS = 30;
const TICKS = Number(
  execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }),
);

function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

function machineBusyTicks(): { busy: number; total: number } {
  const [line] = readFileSync('/proc/stat', 'utf8').split('\n');
  const values = (line ?? '').split(/\s+/).slice(1).map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const total = values.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

function processTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Waits until the agent has loaded its rule pack and scanned /proc, which
 * shows as one second in which it used less than SETTLED_CORES of a core.
 */
async function waitForStartup(pid: number): Promise<void> {
  await sleep(1000);
  for (let waited = 1; waited < MAX_STARTUP_SECONDS; waited++) {
    const before = processTicks(pid);
    await sleep(1000);
    if ((processTicks(pid) - before) / TICKS < SETTLED_CORES) return;
  }
  throw new Error(
    `the agent was still starting after ${MAX_STARTUP_SECONDS} s`,
  );
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

function auditLost(): number {
  const status = execFileSync('auditctl', ['-s'], { encoding: 'utf8' });
  return Number(/^lost (\d+)/m.exec(status)?.[1] ?? 0);
}

/**
 * True when the agent's exec rule is loaded. Other programs on a shared
 * machine may delete rules by key while a run is going on.
 */
function execRuleLoaded(): boolean {
  return execFileSync('auditctl', ['-l'], { encoding: 'utf8' }).includes(
    'vigil_exec',
  );
}

function backlogLimit(): number {
  const status = execFileSync('auditctl', ['-s'], { encoding: 'utf8' });
  return Number(/^backlog_limit (\d+)/m.exec(status)?.[1] ?? 64);
}

async function runLoad(generator: string, rate: number, seconds: number) {
  const before = machineBusyTicks();
  const workers = Array.from({ length: WORKERS }, () =>
    spawn(generator, [String(rate / WORKERS), String(seconds)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  const outputs = await Promise.all(
    workers.map(
      (worker) =>
        new Promise<{ finished: number; rate: number }>((resolve, reject) => {
          let text = '';
          worker.stdout.on('data', (chunk: Buffer) => {
            text += chunk.toString();
          });
          // A rejection, not a throw in the listener, so that the audit
          // rules and the backlog limit are restored below.
          worker.once('exit', (code, signal) => {
            try {
              resolve(JSON.parse(text));
            } catch {
              reject(
                new Error(
                  `exec-load ended with code ${code} signal ${signal} and no result`,
                ),
              );
            }
          });
        }),
    ),
  );
  const after = machineBusyTicks();
  const machineCores =
    ((after.busy - before.busy) / (after.total - before.total)) * cpus().length;
  const achieved = outputs.reduce((sum, output) => sum + output.rate, 0);
  return { rate: achieved, machineCores };
}

async function withAgent(
  entry: string,
  generator: string,
  rate: number,
  timing: { warmup: number; seconds: number },
  rules: string | undefined,
) {
  const args = [
    entry,
    'agent',
    '--data-dir',
    mkdtempSync(join(tmpdir(), 'vigil-bench-')),
    '--runtime-socket',
    '/nonexistent.sock',
    '--scan-interval',
    '600000',
    '--log-level',
    'warn',
    '--output',
    '-',
    ...(rules ? ['--rules', rules] : []),
  ];
  const agent = spawn(process.execPath, args, {
    env: { ...process.env, NODE_OPTIONS },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const pid = agent.pid as number;
  const stopAgent = (error: unknown) => {
    agent.kill('SIGTERM');
    throw error;
  };
  await waitForStartup(pid).catch(stopAgent);
  const lostBefore = auditLost();
  const loading = runLoad(
    generator,
    rate,
    timing.warmup + timing.seconds,
  ).catch(stopAgent);
  const warmupTicks = processTicks(pid);
  await sleep(timing.warmup * 1000);
  const ticksBefore = processTicks(pid);
  const wallBefore = performance.now();
  const loadResult = await loading;
  const rulesKept = execRuleLoaded();
  // The agent reads the log a little behind; wait for it to catch up.
  await sleep(1000);
  const agentCores =
    (processTicks(pid) - ticksBefore) /
    TICKS /
    ((performance.now() - wallBefore) / 1000);
  const warmupCores =
    timing.warmup > 0
      ? (ticksBefore - warmupTicks) / TICKS / timing.warmup
      : Number.NaN;
  const rssMb = peakRssMb(pid);
  const lost = auditLost() - lostBefore;
  agent.kill('SIGTERM');
  await new Promise((resolve) => agent.once('exit', resolve));
  return { ...loadResult, agentCores, warmupCores, rssMb, lost, rulesKept };
}

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '200,2000' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '10' },
    rules: { type: 'string' },
    compare: { type: 'string' },
  },
});
const agents: Array<[string, string]> = [['this build', cli]];
if (values.compare) agents.push(['compared build', values.compare]);
const rates = (values.rates ?? '').split(',').map(Number);
const timing = {
  seconds: Number(values.seconds),
  warmup: Number(values.warmup),
};

const generator = join(
  mkdtempSync(join(tmpdir(), 'vigil-exec-load-')),
  'exec-load',
);
execFileSync('cc', ['-O2', '-o', generator, source]);

const previousBacklog = backlogLimit();
execFileSync('auditctl', ['-b', '8192']);
const change = await installAgentAuditRules();
if (change.failed.length > 0)
  throw new Error(`audit rules failed: ${JSON.stringify(change.failed)}`);
try {
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model}, kernel ${readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim()}`,
  );
  console.log(`load average at start: ${loadAverage()}`);
  console.log(`warm-up ${timing.warmup} s, then ${timing.seconds} s measured`);
  console.log(
    '| target execs/s | agent | achieved (baseline / agent) | machine CPU cores, baseline | machine CPU cores, with agent | agent CPU (share of one core) | agent CPU in the warm-up | agent peak RSS | audit lost | exec rule kept |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const rate of rates) {
    // Baseline: the same load and audit rules, no agent reading the log.
    const baseline = await runLoad(
      generator,
      rate,
      timing.warmup + timing.seconds,
    );
    for (const [label, entry] of agents) {
      // Installing again is harmless and restores rules deleted meanwhile.
      await installAgentAuditRules();
      const measured = await withAgent(
        entry,
        generator,
        rate,
        timing,
        values.rules,
      );
      console.log(
        `| ${rate} | ${label} | ${baseline.rate.toFixed(0)} / ${measured.rate.toFixed(0)} | ${baseline.machineCores.toFixed(2)} | ${measured.machineCores.toFixed(2)} | ${(measured.agentCores * 100).toFixed(2)}% | ${(measured.warmupCores * 100).toFixed(2)}% | ${measured.rssMb.toFixed(0)} MB | ${measured.lost} | ${measured.rulesKept ? 'yes' : 'no: discard the row'} |`,
      );
    }
  }
  console.log(`load average at end: ${loadAverage()}`);
} finally {
  await removeAgentAuditRules();
  execFileSync('auditctl', ['-b', String(previousBacklog)]);
}
