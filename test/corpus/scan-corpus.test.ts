import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/alert.js';
import { loadRulePack } from '../../src/engine/load-rules.js';
import { defaultRulePackDir } from '../../src/engine/rule-pack-dir.js';
import { scanFiles } from '../../src/scan/scan-files.js';
import { SAMPLE_ALERTS } from '../sample-alerts.js';

const FORMATS = [
  'k8s-audit',
  'aks-diagnostics',
  'eks-cloudwatch',
  'gke-cloudlogging',
];

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

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const root = corpusDirectory();
const files = FORMATS.flatMap((format) => filesUnder(join(root, format)))
  .map((file) => relative(root, file))
  .sort();
const pack = loadRulePack(defaultRulePackDir());

describe('scan of the audit corpus', () => {
  it('finds samples of every format', () => {
    for (const format of FORMATS) {
      expect(files.some((file) => file.startsWith(`${format}/`))).toBe(true);
    }
  });

  it.each(files)('%s scans and raises what its events show', async (file) => {
    const alerts: Alert[] = [];
    const summary = await scanFiles([join(root, file)], {
      pack,
      onAlert: (alert) => alerts.push(alert),
    });
    expect(summary.unreadableFiles).toBe(0);
    const key = file.replace(/^.*falco-trace-files\//, '');
    expect(alerts.map((a) => a.alertType).sort()).toEqual(
      SAMPLE_ALERTS[key] ?? [],
    );
  });
});
