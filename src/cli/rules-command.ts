import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { withExceptionsFile } from '../engine/load-exceptions.js';
import { checkRuleTests, loadRulePack } from '../engine/load-rules.js';
import { defaultRulePackDir } from '../engine/rule-pack-dir.js';
import { runRuleTests } from '../engine/run-rule-tests.js';
import { normalizeTestEvent } from './normalize-test-event.js';
import { renderAlertsReference } from './render-alerts-reference.js';
import { requireReadable } from './require-readable.js';
import { safeText } from './safe-text.js';

/** Returns the `--rules` folder, checked, or the shipped pack's. */
function packDir(rules: string | undefined): string {
  if (rules === undefined) return defaultRulePackDir();
  return requireReadable('--rules', rules, 'directory');
}

/** `vigil rules test|list|docs`: work with the rule pack. */
export function rulesCommand(): Command {
  const command = new Command('rules').description(
    'lint, test and list the rule pack, and write the alerts reference',
  );
  const rulesOption = [
    '--rules <dir>',
    'rule pack folder (default: the pack shipped with Vigil)',
  ] as const;

  command
    .command('lint')
    .description('load and validate the pack and exception files')
    .option(...rulesOption)
    .option(
      '--exceptions <file>',
      'also validate an exceptions file (repeatable)',
      (file: string, previous: string[]) => [...previous, file],
      [] as string[],
    )
    .action((options: { rules?: string; exceptions: string[] }) => {
      for (const file of options.exceptions) {
        requireReadable('--exceptions', file, 'file');
      }
      let pack = loadRulePack(packDir(options.rules));
      checkRuleTests(pack);
      for (const file of options.exceptions) {
        pack = withExceptionsFile(pack, file);
      }
      const lists = pack.lists.size;
      const exceptions = pack.rules.reduce(
        (n, r) => n + r.exceptions.length,
        0,
      );
      process.stdout.write(
        `${pack.rules.length} rules, ${lists} lists and ${exceptions} ` +
          'exceptions are valid\n',
      );
    });

  command
    .command('test')
    .description("load the pack and run every rule's test cases")
    .option(...rulesOption)
    .action((options: { rules?: string }) => {
      const pack = loadRulePack(packDir(options.rules));
      const results = runRuleTests(pack, normalizeTestEvent);
      const failed = results.filter((r) => !r.passed);
      for (const result of failed) {
        for (const failure of result.failures) {
          process.stderr.write(
            `FAIL ${result.rule} (${result.file}) ${result.name}: ${failure}\n`,
          );
        }
      }
      process.stdout.write(
        `${pack.rules.length} rules, ${results.length} cases, ` +
          `${results.length - failed.length} passed, ${failed.length} failed\n`,
      );
      if (failed.length > 0) process.exitCode = 1;
    });

  command
    .command('list')
    .description('print every rule: type, severity, tactics and title')
    .option(...rulesOption)
    .option('--json', 'print one JSON object per rule')
    .action((options: { rules?: string; json?: boolean }) => {
      const pack = loadRulePack(packDir(options.rules));
      for (const { meta } of pack.rules) {
        const row = {
          alertType: meta.id,
          severity: meta.severity,
          tactics: meta.tactics,
          sources: meta.sources,
          title: meta.title,
          version: meta.version,
        };
        process.stdout.write(
          options.json
            ? `${JSON.stringify(row)}\n`
            : `${safeText(meta.id).padEnd(40)} ${meta.severity.padEnd(14)} ` +
                `${meta.tactics.join(',').padEnd(36)} ${safeText(meta.title)}\n`,
        );
      }
    });

  command
    .command('docs')
    .description('write the alerts reference generated from the pack')
    .option(...rulesOption)
    .option('--output <file>', 'file to write', 'docs/alerts.md')
    .action((options: { rules?: string; output: string }) => {
      const pack = loadRulePack(packDir(options.rules));
      writeFileSync(options.output, renderAlertsReference(pack));
      process.stdout.write(`wrote ${options.output}\n`);
    });

  return command;
}
