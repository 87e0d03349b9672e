import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../src/alerts/alert.js';
import { loadRulePack } from '../src/engine/load-rules.js';
import { defaultRulePackDir } from '../src/engine/rule-pack-dir.js';
import { scanFiles } from '../src/scan/scan-files.js';
import { SAMPLE_ALERTS as EXPECTED } from './sample-alerts.js';

const pack = loadRulePack(defaultRulePackDir());
const root = new URL('./fixtures/corpus/', import.meta.url).pathname;

function filesUnder(dir: string): string[] {
  return readdirSync(`${root}${dir}`)
    .filter((name) => name.endsWith('.json') || name.endsWith('.jsonl'))
    .map((name) => `${dir}/${name}`);
}

const files = [
  ...filesUnder('k8s-audit/falco-trace-files/k8s_audit'),
  ...filesUnder('k8s-audit/falco-trace-files/psp'),
  ...filesUnder('eks-cloudwatch'),
];

async function alertTypesOf(file: string): Promise<string[]> {
  const alerts: Alert[] = [];
  await scanFiles([`${root}${file}`], {
    pack,
    onAlert: (alert) => alerts.push(alert),
  });
  return alerts.map((alert) => alert.alertType).sort();
}

describe('scan of the sample logs', () => {
  it('finds every listed Falco sample', () => {
    const known = files.map((f) => f.replace(/^.*falco-trace-files\//, ''));
    const listed = Object.keys(EXPECTED).filter((f) =>
      /^(k8s_audit|psp)\//.test(f),
    );
    expect(listed.filter((f) => !known.includes(f))).toEqual([]);
  });

  it.each(files)('%s raises what its events show', async (file) => {
    const key = file.replace(/^.*falco-trace-files\//, '');
    expect(await alertTypesOf(file)).toEqual(EXPECTED[key] ?? []);
  });

  it('reports the malformed sample and reads nothing from it', async () => {
    const diagnostics: string[] = [];
    const summary = await scanFiles(
      [`${root}k8s-audit/falco-trace-files/k8s_audit/fal_01_003.json`],
      {
        pack,
        onAlert: () => {},
        onDiagnostic: (d) => diagnostics.push(`${d.line}: ${d.code}`),
      },
    );
    expect(diagnostics).toEqual(['1: unknown-format']);
    expect(summary.records).toBe(0);
  });

  // The PSP samples repeat records across files: 32 records of 18 audit
  // IDs, each logged at ResponseComplete only.
  it('counts each request once and drops repeats', async () => {
    const summary = await scanFiles(
      filesUnder('k8s-audit/falco-trace-files/psp').map((f) => `${root}${f}`),
      { pack, onAlert: () => {} },
    );
    expect(summary.records).toBe(32);
    expect(summary.requests).toBe(18);
    expect(summary.repeatedRecords).toBe(14);
  });
});
