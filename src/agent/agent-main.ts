#!/usr/bin/env node
import { Command } from 'commander';
import { agentCommand } from '../cli/agent-command.js';
import { RulePackError } from '../engine/load-rules.js';

/**
 * An entry point with only `vigil agent`, for the DaemonSet: it loads
 * none of the server's modules (fastify, database drivers), which keeps
 * the agent's resident memory down. `vigil agent` runs the same command.
 */
const program = new Command('vigil').version('0.1.0');
program.addCommand(agentCommand());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof RulePackError)) throw error;
  process.stderr.write(`vigil: invalid rule pack: ${error.message}\n`);
  process.exitCode = 2;
}
