import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { z } from 'zod';
import { loadRulePack, type RulePack } from '../engine/load-rules.js';
import { IndicatorStore } from '../intel/indicator-store.js';

const rulePackSchema = z.strictObject({
  version: z.string().min(1).max(200),
  files: z.record(z.string().max(500), z.string().max(1024 * 1024)),
});

/**
 * Loads a rule pack sent as `{version, files}`: the files are written to a
 * temporary folder and loaded like the shipped pack, so that the same
 * validation applies. Paths must be relative YAML files inside the pack.
 * Throws on any invalid path or rule.
 */
export function rulePackFromDocument(body: unknown): RulePack {
  const document = rulePackSchema.parse(body);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-pack-'));
  try {
    for (const [name, text] of Object.entries(document.files)) {
      const path = normalize(name);
      if (
        path.startsWith('..') ||
        path.startsWith('/') ||
        !/\.ya?ml$/.test(path)
      ) {
        throw new Error(`invalid rule pack path ${JSON.stringify(name)}`);
      }
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return loadRulePack(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Reads threat intelligence in the serialized form of IndicatorStore
 * (`format: vigil-intel`); throws on another format or a bad hash.
 */
export function intelFromDocument(body: unknown): IndicatorStore {
  return IndicatorStore.fromJSON(body);
}
