import { Command } from 'commander';
import { type Logger, pino } from 'pino';
import { Agent } from '../agent/agent.js';
import { type AgentConfig, parseAgentConfig } from '../agent/agent-config.js';
import type { IntelLookup } from '../engine/intel-lookup.js';
import {
  installAgentAuditRules,
  removeAgentAuditRules,
} from '../sources/auditd/audit-rules-control.js';
import { requireReadable } from './require-readable.js';

function integer(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

type AgentOptions = Record<string, string | string[] | boolean | undefined>;

function configFrom(options: AgentOptions): AgentConfig {
  const input: Record<string, unknown> = {
    server: options.server,
    cluster: options.cluster,
    node: options.node,
    dataDir: options.dataDir,
    output: options.output,
    events: options.events === true,
    rules: options.rules,
    intel: options.intel,
    auditLog: options.auditLog,
    auditFromStart: options.auditFromStart === true,
    auditPollMs: integer(options.auditPollInterval as string | undefined),
    audit: options.audit !== false,
    runtimeSocket: options.runtimeSocket,
    procRoot: options.procRoot,
    scanIntervalMs: integer(options.scanInterval as string | undefined),
    spoolMaxBytes: integer(options.spoolMaxBytes as string | undefined),
    heartbeatIntervalMs: integer(
      options.heartbeatInterval as string | undefined,
    ),
    syncIntervalMs: integer(options.syncInterval as string | undefined),
    logLevel: options.logLevel,
  };
  for (const key of Object.keys(input))
    if (input[key] === undefined) delete input[key];
  return parseAgentConfig(input);
}

/**
 * Reads the `--intel` feed files with the parsers of `vigil intel load`.
 * They are imported only when files are given, so that an agent without
 * feeds does not hold them in memory. Each entry that cannot be used is
 * logged. Returns undefined without files, and throws on an invalid
 * category or an unreadable file.
 */
async function loadIntelFiles(
  specs: readonly string[],
  logger: Logger,
): Promise<IntelLookup | undefined> {
  if (specs.length === 0) return undefined;
  const { loadIntel, parseIntelSpec } = await import('../intel/load-intel.js');
  const files = specs.map((spec) => parseIntelSpec(spec));
  for (const { file } of files) requireReadable('--intel', file, 'file');
  let skipped = 0;
  const store = loadIntel({
    files,
    includeDefault: false,
    onDiagnostic(diagnostic) {
      skipped++;
      logger.warn(
        {
          file: diagnostic.file,
          line: diagnostic.line,
          reason: diagnostic.reason,
        },
        'intel entry skipped',
      );
    },
  });
  logger.info(
    { files: files.map((f) => f.file), indicators: store.size, skipped },
    'intel files loaded',
  );
  return store;
}

function auditRulesCommand(): Command {
  const command = new Command('audit-rules').description(
    'add or delete the kernel audit rules the agent needs (keys vigil and vigil_*)',
  );
  command
    .command('install')
    .description('add the agent audit rules with auditctl')
    .option(
      '--host-root <dir>',
      "where the node's file system is mounted, for watches from a container",
      '/',
    )
    .action(async (options: { hostRoot: string }) => {
      const change = await installAgentAuditRules(options.hostRoot);
      for (const failed of change.failed) {
        process.stderr.write(
          `vigil agent: auditctl ${failed.rule.join(' ')}: ${failed.error}\n`,
        );
      }
      process.stdout.write(`${change.applied.length} audit rules installed\n`);
      if (change.failed.length > 0) process.exitCode = 1;
    });
  command
    .command('remove')
    .description('delete every audit rule with the agent keys, and no other')
    .action(async () => {
      const change = await removeAgentAuditRules();
      for (const failed of change.failed) {
        process.stderr.write(
          `vigil agent: auditctl ${failed.rule.join(' ')}: ${failed.error}\n`,
        );
      }
      process.stdout.write(`${change.applied.length} audit rules removed\n`);
      if (change.failed.length > 0) process.exitCode = 1;
    });
  return command;
}

/** `vigil agent`: the node agent, and its audit rule management. */
export function agentCommand(): Command {
  const command = new Command('agent')
    .description(
      'run the node agent: kernel audit, /proc and container runtime collectors, host rules',
    )
    .option(
      '--server <url>',
      'server base URL; the token comes from VIGIL_AGENT_TOKEN',
    )
    .option(
      '--cluster <name>',
      'cluster name that events and alerts carry',
      'default',
    )
    .option('--node <name>', 'node name (default: the host name)')
    .option(
      '--data-dir <dir>',
      'spool and last good rule pack and intel',
      '/var/lib/vigil-agent',
    )
    .option('--output <target>', '`-` prints alerts as JSON lines on stdout')
    .option('--events', 'with --output -, also print normalized events')
    .option('--rules <dir>', 'rule pack folder (default: the shipped pack)')
    .option(
      '--intel <[category=]file>',
      'add a threat-intelligence feed file (plain list, CSV, JSON lines, ' +
        'STIX or MISP); entries without a category get this one, ' +
        'malicious by default (repeatable)',
      (spec: string, previous: string[]) => [...previous, spec],
      [] as string[],
    )
    .option(
      '--audit-log <file>',
      "auditd's log, or - for an audisp plugin stream on stdin",
      '/var/log/audit/audit.log',
    )
    .option(
      '--audit-from-start',
      'read the audit log from its start, not its end',
    )
    .option(
      '--audit-poll-interval <ms>',
      'milliseconds between audit log reads while records arrive (default 250)',
    )
    .option(
      '--no-audit',
      'do not read kernel audit; scan /proc for connections instead',
    )
    .option(
      '--runtime-socket <path>',
      'Docker Engine API socket (Docker or Podman)',
      '/var/run/docker.sock',
    )
    .option('--proc-root <dir>', 'the proc file system', '/proc')
    .option(
      '--scan-interval <ms>',
      'milliseconds between /proc scans (default 30000)',
    )
    .option(
      '--spool-max-bytes <bytes>',
      'bytes the alert spool may use (default 268435456)',
    )
    .option(
      '--heartbeat-interval <ms>',
      'milliseconds between heartbeats (default 30000)',
    )
    .option(
      '--sync-interval <ms>',
      'milliseconds between rule pack and intel checks (default 300000)',
    )
    .option('--log-level <level>', 'pino log level, written to stderr', 'info');
  command.addCommand(auditRulesCommand());

  command.action(async (options: AgentOptions) => {
    let config: AgentConfig;
    try {
      config = configFrom(options);
      if (config.rules) requireReadable('--rules', config.rules, 'directory');
    } catch (error) {
      process.stderr.write(`vigil agent: ${(error as Error).message}\n`);
      process.exitCode = 2;
      return;
    }
    const logger = pino(
      { level: config.logLevel, base: { service: 'vigil-agent' } },
      pino.destination(2),
    );
    let intel: IntelLookup | undefined;
    try {
      intel = await loadIntelFiles(config.intel, logger);
    } catch (error) {
      process.stderr.write(
        `vigil agent: cannot load intel: ${(error as Error).message}\n`,
      );
      process.exitCode = 2;
      return;
    }
    const agent = new Agent(
      config,
      logger,
      config.output === '-' ? process.stdout : undefined,
      intel,
    );

    // The agent's own timers do not hold the process open, so that tests
    // can embed it. The command keeps the process open until a signal.
    const keepAlive = setInterval(() => {}, 1 << 30);
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      clearInterval(keepAlive);
      await agent.stop();
      process.exit(0);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    await agent.start();
    if (config.audit && config.auditLog === '-') {
      await agent.readAuditStream(process.stdin);
      await stop();
    }
  });
  return command;
}
