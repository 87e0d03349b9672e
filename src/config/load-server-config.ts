import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { unreadablePathReason } from './readable-path.js';
import { type ServerConfig, serverConfigSchema } from './server-config.js';
import { SERVER_SETTINGS, type SettingName } from './server-settings.js';

/** A configuration problem, worded to say which value to fix and how. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The inputs of the configuration, highest precedence first. */
export interface ConfigSources {
  /** Command-line flags by setting name; undefined means not given. */
  flags: Partial<Record<SettingName, string | number | undefined>>;
  env: NodeJS.ProcessEnv;
  /** A YAML file of settings by name (`--config FILE`). */
  file?: string | undefined;
}

type Origin = 'flag' | 'environment' | 'file';

/** Minimum admin token length, so that a short one is not guessable. */
const MIN_ADMIN_TOKEN_LENGTH = 16;

/**
 * Loads the configuration: each setting comes from its flag, else its
 * `VIGIL_*` environment variable, else the YAML file, else its default.
 * Throws a ConfigError naming the setting, where it came from and what
 * values are valid. With `checkPaths`, it also throws when a path that
 * the server reads (rule pack, TLS files) cannot be read.
 */
export function loadServerConfig(
  sources: ConfigSources,
  options: { checkPaths?: boolean } = {},
): ServerConfig {
  const fileValues = sources.file ? readConfigFile(sources.file) : {};
  const merged: Record<string, unknown> = {};
  const origins: Record<string, Origin> = {};

  for (const name of Object.keys(fileValues)) {
    if (!(name in SERVER_SETTINGS)) {
      const known = Object.keys(SERVER_SETTINGS).join(', ');
      throw new ConfigError(
        `${sources.file}: unknown setting ${JSON.stringify(name)}; valid settings are ${known}`,
      );
    }
  }
  for (const [name, setting] of Object.entries(SERVER_SETTINGS)) {
    const key = name as SettingName;
    const fromFlag = sources.flags[key];
    const fromEnv = sources.env[setting.env];
    if (fromFlag !== undefined) {
      merged[key] = fromFlag;
      origins[key] = 'flag';
    } else if (fromEnv !== undefined && fromEnv !== '') {
      merged[key] = fromEnv;
      origins[key] = 'environment';
    } else if (fileValues[key] !== undefined) {
      merged[key] = fileValues[key];
      origins[key] = 'file';
    }
  }

  const result = serverConfigSchema.safeParse(merged);
  if (!result.success) {
    throw new ConfigError(describeIssue(result.error, origins, sources.file));
  }
  if (options.checkPaths) checkPaths(result.data, origins, sources.file);
  return { ...result.data, adminToken: adminToken(sources.env) };
}

/** Throws a ConfigError for the first setting whose path cannot be read. */
function checkPaths(
  values: Record<string, unknown>,
  origins: Record<string, Origin>,
  file: string | undefined,
): void {
  for (const [name, setting] of Object.entries(SERVER_SETTINGS)) {
    const value = values[name];
    if (!('reads' in setting) || typeof value !== 'string') continue;
    const reason = unreadablePathReason(value, setting.reads);
    if (reason === undefined) continue;

    const origin = origins[name];
    const where =
      origin === 'flag'
        ? `${setting.flag} ${value}`
        : origin === 'environment'
          ? `${setting.env}=${value}`
          : `${file}: ${name} ${value}`;
    throw new ConfigError(`${where}: ${reason}`);
  }
}

function adminToken(env: NodeJS.ProcessEnv): string | undefined {
  const token = env.VIGIL_ADMIN_TOKEN;
  if (token === undefined || token === '') return undefined;
  if (token.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new ConfigError(
      `VIGIL_ADMIN_TOKEN is too short (${token.length} characters); use at least ${MIN_ADMIN_TOKEN_LENGTH}, for example from "openssl rand -base64 32", or unset it to have one generated`,
    );
  }
  return token;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason =
      unreadablePathReason(file, 'file') ??
      (error instanceof Error ? error.message : String(error));
    throw new ConfigError(`--config ${file}: ${reason}`);
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`${file}: invalid YAML: ${reason}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(
      `${file}: expected a mapping of setting names to values`,
    );
  }
  return value as Record<string, unknown>;
}

function describeIssue(
  error: z.ZodError,
  origins: Record<string, Origin>,
  file: string | undefined,
): string {
  const issue = error.issues[0];
  if (!issue) return error.message;
  const name = String(issue.path[0] ?? '');
  const setting = SERVER_SETTINGS[name as SettingName];
  if (!setting) return `invalid configuration: ${issue.message}`;

  const origin = origins[name];
  const where =
    origin === 'flag'
      ? `flag ${setting.flag}`
      : origin === 'environment'
        ? `environment variable ${setting.env}`
        : origin === 'file'
          ? `${name} in ${file}`
          : `setting ${name}`;
  return `invalid ${where}: ${issue.message} (${setting.description} Unit: ${setting.unit}.)`;
}
