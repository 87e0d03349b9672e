import { execFileSync, spawnSync } from 'node:child_process';
import {
  createReadStream,
  mkdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadRulePack } from '../src/engine/load-rules.js';
import { defaultRulePackDir } from '../src/engine/rule-pack-dir.js';
import { loadIntel } from '../src/intel/load-intel.js';
import { scanFiles } from '../src/scan/scan-files.js';
import { generateAuditLog } from './generate-audit-log.js';

/**
 * Scan benchmark. Generates a large audit log, then times in child
 * processes, alternately, (a) reading the file and JSON.parse-ing each
 * line, the floor any scanner pays, and (b) `vigil scan`'s full pipeline
 * with the shipped rule pack and indicator set. Reports events per
 * second, the ratio of the two times, and each child's peak resident
 * memory.
 *
 *   node dist/bench/scan-bench.js [--events 1000000] [--runs 5]
 *     [--rules DIR] [--output FILE]
 */

interface PhaseResult {
  phase: string;
  durationMs: number;
  /** User and system CPU time of the child, every thread included. */
  cpuMs: number;
  maxRssMb: number;
  records: number;
  alerts: number;
}

async function parseOnly(file: string): Promise<PhaseResult> {
  const started = performance.now();
  let records = 0;
  let carry = '';
  for await (const chunk of createReadStream(file, {
    highWaterMark: 256 * 1024,
  })) {
    const text = carry + (chunk as Buffer).toString('utf8');
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      if (end < 0) break;
      if (end > start) {
        JSON.parse(text.slice(start, end));
        records++;
      }
      start = end + 1;
    }
    carry = text.slice(start);
  }
  if (carry.length > 0) {
    JSON.parse(carry);
    records++;
  }
  return result('parse', started, records, 0);
}

async function fullScan(file: string, rules: string): Promise<PhaseResult> {
  const started = performance.now();
  const pack = loadRulePack(rules);
  // The shipped indicator set, as `vigil scan` loads it by default.
  const intel = loadIntel({ files: [], includeDefault: true });
  let alerts = 0;
  const summary = await scanFiles([file], {
    pack,
    intel,
    onAlert: () => {
      alerts++;
    },
  });
  return result('scan', started, summary.records, alerts);
}

async function readWhole(file: string): Promise<void> {
  for await (const _chunk of createReadStream(file, {
    highWaterMark: 1024 * 1024,
  })) {
    // Reading is all.
  }
}

function result(
  phase: string,
  started: number,
  records: number,
  alerts: number,
): PhaseResult {
  return {
    phase,
    durationMs: performance.now() - started,
    cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    // maxRSS is in kilobytes.
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    records,
    alerts,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function runChild(phase: string, file: string, rules: string): PhaseResult {
  const script = fileURLToPath(import.meta.url);
  const child = spawnSync(
    process.execPath,
    [script, '--phase', phase, '--file', file, '--rules', rules],
    {
      encoding: 'utf8',
      maxBuffer: 1024 * 1024,
    },
  );
  if (child.status !== 0) {
    throw new Error(`${phase} run failed: ${child.stderr}`);
  }
  return JSON.parse(child.stdout) as PhaseResult;
}

function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const kernel = execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim();
  return `${cpus().length} × ${cpu}, Linux ${kernel}, Node.js ${process.version}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      phase: { type: 'string' },
      file: { type: 'string' },
      events: { type: 'string', default: '1000000' },
      runs: { type: 'string', default: '5' },
      output: { type: 'string' },
      rules: { type: 'string', default: defaultRulePackDir() },
    },
  });
  const rules = values.rules;
  if (values.phase && values.file) {
    const result =
      values.phase === 'parse'
        ? await parseOnly(values.file)
        : await fullScan(values.file, rules);
    process.stdout.write(JSON.stringify(result));
    return;
  }

  const events = Number(values.events);
  const runs = Number(values.runs);
  const dir = join(tmpdir(), `vigil-scan-bench-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'audit.log');
  try {
    process.stderr.write(`generating ${events} events...\n`);
    await generateAuditLog(file, events);
    const sizeMb = statSync(file).size / 1024 / 1024;
    // Write the new file out and read it once, untimed, so that the first
    // runs do not compete with the kernel's writeback and every run starts
    // from the same page cache.
    execFileSync('sync');
    await readWhole(file);

    const parse: PhaseResult[] = [];
    const scan: PhaseResult[] = [];
    for (let i = 0; i < runs; i++) {
      parse.push(runChild('parse', file, rules));
      scan.push(runChild('scan', file, rules));
      process.stderr.write(`run ${i + 1}/${runs} done\n`);
    }

    const parseMs = median(parse.map((r) => r.durationMs));
    const scanMs = median(scan.map((r) => r.durationMs));
    const parseCpuMs = median(parse.map((r) => r.cpuMs));
    const scanCpuMs = median(scan.map((r) => r.cpuMs));
    const report = {
      date: new Date().toISOString().slice(0, 10),
      machine: machine(),
      events,
      fileMb: Math.round(sizeMb),
      runs,
      parseMedianMs: Math.round(parseMs),
      scanMedianMs: Math.round(scanMs),
      ratio: Number((scanMs / parseMs).toFixed(3)),
      parseCpuMedianMs: Math.round(parseCpuMs),
      scanCpuMedianMs: Math.round(scanCpuMs),
      cpuRatio: Number((scanCpuMs / parseCpuMs).toFixed(3)),
      // Each run's scan against the parse run just before it.
      runRatios: scan.map((run, i) =>
        Number(
          (run.durationMs / (parse[i] as PhaseResult).durationMs).toFixed(3),
        ),
      ),
      parseEventsPerSecond: Math.round(events / (parseMs / 1000)),
      scanEventsPerSecond: Math.round(events / (scanMs / 1000)),
      scanPeakRssMb: Math.round(Math.max(...scan.map((r) => r.maxRssMb))),
      parsePeakRssMb: Math.round(Math.max(...parse.map((r) => r.maxRssMb))),
      alerts: scan[0]?.alerts ?? 0,
    };
    const text = JSON.stringify(report, null, 2);
    process.stdout.write(`${text}\n`);
    if (values.output) writeFileSync(values.output, `${text}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
