import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../alerts/alert.js';
import { Engine } from '../../engine/engine.js';
import { loadRulePack } from '../../engine/load-rules.js';
import { defaultRulePackDir } from '../../engine/rule-pack-dir.js';
import { scanWebRoot } from './scan-web-root.js';
import { readWebshellSignatures } from './webshell-signatures.js';

const SIGNATURES = join(defaultRulePackDir(), 'lists/webshell-signatures.yaml');
const { signatures } = readWebshellSignatures(SIGNATURES);
let base: string;
let root: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'vigil-web-root-'));
  root = join(base, 'html');
  mkdirSync(join(root, 'uploads/2026/11'), { recursive: true });
  writeFileSync(
    join(root, 'uploads/2026/11/x.php'),
    "<?php @eval( $_POST['caidao'] );?>",
  );
  writeFileSync(
    join(root, 'cmd.jsp'),
    '<%@ page import="java.io.*" %>\n<% Process p = ' +
      'Runtime.getRuntime().exec(request.getParameter("c")); %>',
  );
  writeFileSync(
    join(root, 'index.php'),
    '<?php echo htmlspecialchars($_GET["q"] ?? ""); ?>',
  );
  // A web shell outside the root, reachable only through links.
  writeFileSync(join(base, 'outside.php'), '<?php system($_GET["c"]); ?>');
  symlinkSync(join(base, 'outside.php'), join(root, 'link.php'));
  symlinkSync(base, join(root, 'parent'));
  execFileSync('mkfifo', [join(root, 'pipe.php')]);
});

afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

const options = () => ({
  signatures,
  cluster: 'prod',
  node: 'aks-node-1',
  now: () => Date.parse('2026-11-02T10:00:00Z'),
});

describe('scanWebRoot', () => {
  it('reads every shipped signature', () => {
    expect(readWebshellSignatures(SIGNATURES).problems).toEqual([]);
  });

  it('finds the web shells inside the root', async () => {
    const result = await scanWebRoot([root], options());
    const found = result.events.map((e) => [
      e.file.path.slice(root.length),
      e.file.contentMatch,
    ]);
    expect(found.sort()).toEqual([
      ['/cmd.jsp', ['jsp-runtime-exec', 'jsp-request-exec']],
      ['/uploads/2026/11/x.php', ['php-eval-post']],
    ]);
  });

  it('never follows symbolic links', async () => {
    const result = await scanWebRoot([root], options());
    expect(result.symlinksSkipped).toBe(2);
    expect(result.events.some((e) => e.file.path.includes('outside'))).toBe(
      false,
    );
  });

  it('counts regular files only', async () => {
    const result = await scanWebRoot([root], options());
    expect(result.filesScanned).toBe(3);
  });

  it('stops at the file limit', async () => {
    const result = await scanWebRoot([root], { ...options(), maxFiles: 1 });
    expect(result.filesScanned).toBe(1);
    expect(result.limitReached).toBe(true);
  });

  it('stops at the depth limit', async () => {
    const result = await scanWebRoot([root], { ...options(), maxDepth: 1 });
    expect(result.events.map((e) => e.file.path)).toEqual([
      join(root, 'cmd.jsp'),
    ]);
    expect(result.limitReached).toBe(true);
  });

  it('reads only the start of long files', async () => {
    const result = await scanWebRoot([root], {
      ...options(),
      maxFileBytes: 10,
    });
    expect(result.events).toEqual([]);
    expect(result.filesCut).toBe(3);
  });

  it('reports a missing root and goes on', async () => {
    const result = await scanWebRoot([join(base, 'missing'), root], options());
    expect(result.problems).toEqual([
      { path: join(base, 'missing'), reason: 'not found' },
    ]);
    expect(result.events).toHaveLength(2);
  });

  it('raises the web shell alert through the engine', async () => {
    const alerts: Alert[] = [];
    const engine = new Engine(loadRulePack(defaultRulePackDir()), {
      onClose: (alert) => alerts.push(alert),
    });
    const result = await scanWebRoot([root], options());
    for (const event of result.events) engine.process(event);
    engine.flush();
    // Both files fold into one alert: same node, no container, no process.
    expect(alerts.map((a) => a.alertType)).toEqual(['K8S.NODE_Webshell']);
    expect(alerts[0]?.count).toBe(2);
  });
});

describe('readWebshellSignatures', () => {
  it('reports bad items with their line', () => {
    const file = join(base, 'signatures.yaml');
    writeFileSync(
      file,
      'name: x\ndescription: y\nitems:\n  - ok-one | eval($_POST[\n' +
        '  - Bad Name | eval(\n  - short | $_\n',
    );
    const { signatures: read, problems } = readWebshellSignatures(file);
    expect(read.map((s) => s.name)).toEqual(['ok-one']);
    expect(problems.map((p) => p.line)).toEqual([5, 6]);
  });
});
