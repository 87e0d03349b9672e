import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withExceptionsFile } from './load-exceptions.js';
import { loadRulePack } from './load-rules.js';
import { defaultRulePackDir } from './rule-pack-dir.js';

const pack = loadRulePack(defaultRulePackDir());
const dir = mkdtempSync(join(tmpdir(), 'vigil-exceptions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(text: string): string {
  const path = join(dir, `e${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, text);
  return path;
}

const VALID = `exceptions:
  - name: ci-runners
    rule: K8S_PrivilegedContainer
    reason: The CI namespace builds images in privileged pods.
    condition: { field: audit.objectRef.namespace, equals: ci }
`;

describe('withExceptionsFile', () => {
  it('appends the exception to its rule', () => {
    const tuned = withExceptionsFile(pack, file(VALID));
    const rule = tuned.rules.find((r) => r.id === 'K8S_PrivilegedContainer');
    expect(rule?.exceptions.at(-1)?.name).toBe('ci-runners');
  });

  it('leaves the given pack unchanged', () => {
    const before = pack.rules.find((r) => r.id === 'K8S_PrivilegedContainer');
    const count = before?.exceptions.length;
    withExceptionsFile(pack, file(VALID));
    expect(before?.exceptions.length).toBe(count);
  });

  it('rejects an unknown rule with its line', () => {
    const path = file(VALID.replace('K8S_PrivilegedContainer', 'K8S_Nope'));
    expect(() => withExceptionsFile(pack, path)).toThrow(
      `${path}:3: unknown rule K8S_Nope`,
    );
  });

  it('rejects a bad condition with its line', () => {
    const path = file(VALID.replace('equals: ci', 'equal: ci'));
    expect(() => withExceptionsFile(pack, path)).toThrow(
      /:5: unknown operator equal/,
    );
  });

  it('rejects an exception without a reason', () => {
    const path = file(VALID.replace(/ {4}reason: .*\n/, ''));
    expect(() => withExceptionsFile(pack, path)).toThrow(
      /exceptions\.0\.reason: missing required field/,
    );
  });
});
