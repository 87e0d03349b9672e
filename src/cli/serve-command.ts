import { Command } from 'commander';
import { ConfigError, loadServerConfig } from '../config/load-server-config.js';
import type { SettingName } from '../config/server-settings.js';
import { SERVER_SETTINGS } from '../config/server-settings.js';
import { createLogger } from '../server/create-logger.js';
import { startServer } from '../server/start-server.js';

/** Commander's camel-case option name of each setting's flag. */
function optionKey(flag: string): string {
  return flag
    .replace(/^--/, '')
    .replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** `vigil serve`: the detection server. */
export function serveCommand(): Command {
  const command = new Command('serve')
    .description(
      'run the detection server: audit webhook, engine, alert store and API',
    )
    .option('--config <file>', 'YAML file of settings (see docs/server.md)');
  for (const setting of Object.values(SERVER_SETTINGS)) {
    command.option(
      `${setting.flag} <${setting.unit.replace(/ /g, '-')}>`,
      `${setting.description} Env: ${setting.env}.`,
    );
  }

  command.action(async (options: Record<string, string | undefined>) => {
    const flags: Partial<Record<SettingName, string | undefined>> = {};
    for (const [name, setting] of Object.entries(SERVER_SETTINGS)) {
      flags[name as SettingName] = options[optionKey(setting.flag)];
    }
    let config: ReturnType<typeof loadServerConfig>;
    try {
      config = loadServerConfig(
        { flags, env: process.env, file: options.config },
        { checkPaths: true },
      );
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      process.stderr.write(`vigil serve: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }

    const logger = createLogger(config.logLevel);
    let server: Awaited<ReturnType<typeof startServer>>;
    try {
      server = await startServer(config, {
        logger,
        onAdminTokenGenerated: (token) => {
          // Written once to standard error for the operator, never logged.
          process.stderr.write(
            `vigil serve: generated an admin token; it is shown only now and stored hashed:\n${token}\n`,
          );
        },
      });
    } catch (error) {
      logger.fatal({ err: error }, 'start failed');
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        process.stderr.write(
          `vigil serve: ${config.host}:${config.port} is already in use; choose another port with --port or VIGIL_PORT\n`,
        );
      }
      // The detection thread may already run; exit ends it too.
      process.exit(1);
    }

    const stop = (signal: string) => {
      logger.info({ signal }, 'signal received');
      server.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return command;
}
