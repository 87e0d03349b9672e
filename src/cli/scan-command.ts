import { Command, InvalidArgumentError, Option } from 'commander';
import type { Alert } from '../alerts/alert.js';
import { describeFsError } from '../config/readable-path.js';
import { withExceptionsFile } from '../engine/load-exceptions.js';
import { loadRulePack } from '../engine/load-rules.js';
import { defaultRulePackDir } from '../engine/rule-pack-dir.js';
import {
  SEVERITIES,
  type Severity,
  severityRank,
} from '../engine/rule-schema.js';
import {
  type IntelFileSpec,
  loadIntel,
  parseIntelSpec,
} from '../intel/load-intel.js';
import { scanFiles } from '../scan/scan-files.js';
import {
  type AddressInventory,
  readInventoryFile,
} from '../sources/flow/address-inventory.js';
import { FLOW_FORMATS, type FlowFormat } from '../sources/flow/flow-format.js';
import {
  AUDIT_FORMATS,
  type AuditFormat,
} from '../sources/k8s-audit/audit-format.js';
import { formatAlertTable } from './format-alert-table.js';
import { formatScanSummary } from './format-scan-summary.js';
import { requireReadable } from './require-readable.js';
import { jsonLine, safeText } from './safe-text.js';
import { ScanProgressLine } from './scan-progress-line.js';

/** Exit status when an alert at or above `--fail-on` was raised. */
export const EXIT_ALERTS_FOUND = 3;
/** Exit status when a file could not be read; the others were scanned. */
export const EXIT_UNREADABLE_FILE = 2;

interface ScanCommandOptions {
  format: 'table' | 'json';
  inputFormat: AuditFormat | FlowFormat;
  inventory?: string;
  flowFields?: string;
  cluster?: string;
  minSeverity: Severity;
  failOn?: Severity;
  rules?: string;
  exceptions: string[];
  intel: IntelFileSpec[];
  defaultIntel: boolean;
  intelDataDir?: string;
  progress: boolean;
}

function collectIntel(spec: string, previous: IntelFileSpec[]) {
  try {
    return [...previous, parseIntelSpec(spec)];
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

const severityChoices = [...SEVERITIES];

/** `vigil scan FILE…`: run the rules over archived audit logs. */
export function scanCommand(): Command {
  return new Command('scan')
    .description(
      'run the rule pack over audit and flow log files and print alerts',
    )
    .argument(
      '<files...>',
      'audit or flow log files (.gz is read directly; - is stdin)',
    )
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['table', 'json'])
        .default('table'),
    )
    .addOption(
      new Option('--input-format <format>', 'input format of every file')
        .choices([...AUDIT_FORMATS, ...FLOW_FORMATS])
        .default('auto'),
    )
    .option(
      '--inventory <file>',
      "JSON map of the cluster's addresses to nodes and pods, to name " +
        'them in flow log alerts',
    )
    .option(
      '--flow-fields <fields>',
      'field names of AWS VPC flow logs in a custom format without a ' +
        'header line, separated by spaces or commas',
    )
    .option(
      '--cluster <name>',
      'cluster name for logs that do not name one (default: unknown)',
    )
    .addOption(
      new Option('--min-severity <severity>', 'print alerts at or above it')
        .choices(severityChoices)
        .default('Informational'),
    )
    .addOption(
      new Option(
        '--fail-on <severity>',
        `exit with status ${EXIT_ALERTS_FOUND} when an alert at or above it is raised`,
      ).choices(severityChoices),
    )
    .option('--rules <dir>', 'rule pack folder (default: the shipped pack)')
    .option(
      '--exceptions <file>',
      'add the exceptions of a YAML file to the pack (repeatable)',
      (file: string, previous: string[]) => [...previous, file],
      [] as string[],
    )
    .option(
      '--intel <[category=]file>',
      'add a threat-intelligence feed file (plain list, JSON lines, STIX ' +
        'or MISP); entries without a category get this one, malicious ' +
        'by default (repeatable)',
      collectIntel,
      [] as IntelFileSpec[],
    )
    .option(
      '--intel-data-dir <directory>',
      'also use the feeds that vigil intel load stored in this data directory',
    )
    .option(
      '--no-default-intel',
      'leave out the indicator set shipped with Vigil',
    )
    .option('--no-progress', 'do not draw progress on a terminal')
    .action(async (files: string[], options: ScanCommandOptions) => {
      await runScan(files, options);
    });
}

async function runScan(files: string[], options: ScanCommandOptions) {
  if (options.rules) requireReadable('--rules', options.rules, 'directory');
  for (const file of options.exceptions) {
    requireReadable('--exceptions', file, 'file');
  }
  if (options.intelDataDir) {
    requireReadable('--intel-data-dir', options.intelDataDir, 'directory');
  }
  let pack = loadRulePack(options.rules ?? defaultRulePackDir());
  for (const file of options.exceptions) pack = withExceptionsFile(pack, file);
  let intel: ReturnType<typeof loadIntel>;
  try {
    intel = loadIntel({
      files: options.intel,
      includeDefault: options.defaultIntel,
      dataDir: options.intelDataDir,
      onDiagnostic(diagnostic) {
        process.stderr.write(
          `${safeText(diagnostic.file)}:${diagnostic.line}: ${safeText(diagnostic.reason)}\n`,
        );
      },
    });
  } catch (error) {
    process.stderr.write(
      `vigil: cannot read intel: ${safeText((error as Error).message)}\n`,
    );
    process.exitCode = EXIT_UNREADABLE_FILE;
    return;
  }
  let inventory: AddressInventory | undefined;
  try {
    inventory = options.inventory
      ? readInventoryFile(options.inventory)
      : undefined;
  } catch (error) {
    process.stderr.write(
      `vigil: cannot read ${safeText(options.inventory ?? '')}: ${safeText((error as Error).message)}\n`,
    );
    process.exitCode = EXIT_UNREADABLE_FILE;
    return;
  }
  const flowFormat = (FLOW_FORMATS as readonly string[]).includes(
    options.inputFormat,
  )
    ? (options.inputFormat as FlowFormat)
    : undefined;
  const minimum = severityRank(options.minSeverity);
  const alerts: Alert[] = [];
  const progress =
    options.progress && process.stderr.isTTY
      ? new ScanProgressLine(process.stderr)
      : undefined;

  let printed = 0;
  const summary = await scanFiles(files, {
    pack,
    intel,
    format: flowFormat ? undefined : (options.inputFormat as AuditFormat),
    flowFormat,
    inventory,
    awsFields: options.flowFields?.split(/[\s,]+/).filter(Boolean),
    defaultCluster: options.cluster,
    onDiagnostic(diagnostic) {
      progress?.clear();
      process.stderr.write(
        `${safeText(diagnostic.file)}:${diagnostic.line}: ${safeText(diagnostic.reason)}\n`,
      );
    },
    onFileError(file, error) {
      progress?.clear();
      process.stderr.write(
        `vigil: cannot read ${safeText(file)}: ${safeText(describeFsError(error, 'file'))}\n`,
      );
    },
    onAlert(alert) {
      if (severityRank(alert.severity) < minimum) return;
      printed++;
      if (options.format === 'json') {
        process.stdout.write(`${jsonLine(alert)}\n`);
      } else {
        alerts.push(alert);
      }
    },
    onProgress: progress && ((p) => progress.update(p)),
  });
  progress?.clear();

  if (options.format === 'table') {
    process.stdout.write(
      alerts.length > 0 ? `${formatAlertTable(alerts)}\n` : 'No alerts.\n',
    );
  }
  process.stderr.write(formatScanSummary(summary, printed));

  if (summary.unreadableFiles > 0) {
    process.exitCode = EXIT_UNREADABLE_FILE;
    return;
  }
  if (options.failOn) {
    const threshold = severityRank(options.failOn);
    const raised = Object.entries(summary.alertsBySeverity).some(
      ([severity, count]) =>
        count > 0 && severityRank(severity as Severity) >= threshold,
    );
    if (raised) process.exitCode = EXIT_ALERTS_FOUND;
  }
}
