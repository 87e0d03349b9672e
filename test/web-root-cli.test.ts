import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const cli = new URL('../dist/src/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'vigil-web-root-cli-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function vigil(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
}

describe('vigil web-root-scan', () => {
  it('prints a web shell alert as JSON', () => {
    const root = join(dir, 'html');
    mkdirSync(root);
    writeFileSync(join(root, 'shell.php'), '<?php system($_GET["c"]); ?>');
    writeFileSync(join(root, 'index.html'), '<h1>hello</h1>');
    const result = vigil('web-root-scan', '--node', 'node-1', root);
    const alerts = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(alerts.map((a) => a.alertType)).toEqual(['K8S.NODE_Webshell']);
    expect(alerts[0].entities.details.signatures).toEqual(['php-system-get']);
    expect(result.status).toBe(0);
  });

  it('reports a missing root with an escaped name', () => {
    const result = vigil('web-root-scan', join(dir, 'gone\u001b[2J'));
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('gone\\u001b[2J: not found');
    expect(result.status).toBe(2);
  });
});
