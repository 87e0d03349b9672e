#!/usr/bin/env node
import { Command } from 'commander';
import { RulePackError } from '../engine/load-rules.js';
import { agentCommand } from './agent-command.js';
import { clustersCommand } from './clusters-command.js';
import { intelCommand } from './intel-command.js';
import { InputPathError } from './require-readable.js';
import { rulesCommand } from './rules-command.js';
import { scanCommand } from './scan-command.js';
import { serveCommand } from './serve-command.js';
import { webRootCommand } from './web-root-command.js';

const program = new Command('vigil')
  .description(
    'Threat protection for Kubernetes clusters and their Linux nodes',
  )
  .version('0.1.0');

program.addCommand(scanCommand());
program.addCommand(rulesCommand());
program.addCommand(serveCommand());
program.addCommand(clustersCommand());
program.addCommand(agentCommand());
program.addCommand(intelCommand());
program.addCommand(webRootCommand());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof RulePackError) {
    process.stderr.write(`vigil: invalid rule pack: ${error.message}\n`);
    process.exitCode = 2;
  } else if (error instanceof InputPathError) {
    process.stderr.write(`vigil: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
