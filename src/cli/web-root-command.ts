import { hostname } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { Alert } from '../alerts/alert.js';
import { Engine } from '../engine/engine.js';
import { loadRulePack } from '../engine/load-rules.js';
import { defaultRulePackDir } from '../engine/rule-pack-dir.js';
import { scanWebRoot } from '../sources/web-root/scan-web-root.js';
import { readWebshellSignatures } from '../sources/web-root/webshell-signatures.js';
import { requireReadable } from './require-readable.js';
import { jsonLine, safeText } from './safe-text.js';

/** Exit status when a root or a signature could not be used. */
export const EXIT_WEB_ROOT_PROBLEM = 2;

interface WebRootCommandOptions {
  rules?: string;
  cluster: string;
  node: string;
  maxDepth: number;
  maxFiles: number;
  maxFileBytes: number;
}

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(`expected a positive integer, got ${text}`);
  }
  return value;
}

/**
 * `vigil web-root-scan DIR…`: match the files of web roots against the
 * pack's web shell signatures and print K8S.NODE_Webshell alerts.
 */
export function webRootCommand(): Command {
  return new Command('web-root-scan')
    .description(
      'scan web root directories for web shells and print alerts as JSON lines',
    )
    .argument('<dirs...>', 'web root directories, such as /var/www/html')
    .option('--rules <dir>', 'rule pack folder (default: the shipped pack)')
    .option('--cluster <name>', 'cluster name for the alerts', 'default')
    .option('--node <name>', 'node name for the alerts', hostname())
    .option('--max-depth <n>', 'directory levels entered', positiveInteger, 16)
    .option('--max-files <n>', 'files read in all', positiveInteger, 20_000)
    .option(
      '--max-file-bytes <n>',
      'bytes read from the start of each file',
      positiveInteger,
      1024 * 1024,
    )
    .action(async (dirs: string[], options: WebRootCommandOptions) => {
      if (options.rules) requireReadable('--rules', options.rules, 'directory');
      const rulesDir = options.rules ?? defaultRulePackDir();
      const pack = loadRulePack(rulesDir);
      const signatureFile = join(rulesDir, 'lists/webshell-signatures.yaml');
      const { signatures, problems } = readWebshellSignatures(signatureFile);
      for (const problem of problems) {
        process.stderr.write(
          `${safeText(problem.file)}:${problem.line}: ${problem.reason}\n`,
        );
      }

      const result = await scanWebRoot(dirs, {
        signatures,
        cluster: options.cluster,
        node: options.node,
        maxDepth: options.maxDepth,
        maxFiles: options.maxFiles,
        maxFileBytes: options.maxFileBytes,
      });
      const alerts: Alert[] = [];
      const engine = new Engine(pack, { onClose: (a) => alerts.push(a) });
      for (const event of result.events) engine.process(event);
      engine.flush();
      for (const alert of alerts) {
        process.stdout.write(`${jsonLine(alert)}\n`);
      }

      for (const problem of result.problems) {
        process.stderr.write(`${safeText(problem.path)}: ${problem.reason}\n`);
      }
      process.stderr.write(
        `${result.filesScanned} files scanned, ${result.events.length} ` +
          `matched, ${result.symlinksSkipped} links skipped, ` +
          `${result.filesCut} cut at the size limit` +
          (result.limitReached ? ', stopped at a limit\n' : '\n'),
      );
      if (problems.length > 0 || result.problems.length > 0) {
        process.exitCode = EXIT_WEB_ROOT_PROBLEM;
      }
    });
}
