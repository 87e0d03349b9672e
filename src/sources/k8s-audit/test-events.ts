import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject } from './read-fields.js';

/** Folder of the copied third-party audit samples. */
export const FIXTURES = join(
  import.meta.dirname,
  '../../../test/fixtures/corpus',
);

/** Reads the first event of a Falco trace file as a fresh object. */
export function falcoEvent(name: string): JsonObject {
  const path = join(FIXTURES, 'k8s-audit/falco-trace-files', name);
  const line = readFileSync(path, 'utf8').split('\n')[0] as string;
  return JSON.parse(line) as JsonObject;
}
