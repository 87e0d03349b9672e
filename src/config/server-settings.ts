import { z } from 'zod';

/** Mebibytes, in bytes. */
const MIB = 1024 * 1024;

const PORT_MESSAGE = 'must be a TCP port from 0 to 65535';
const port = z.coerce
  .number({ error: PORT_MESSAGE })
  .int(PORT_MESSAGE)
  .min(0, PORT_MESSAGE)
  .max(65_535, PORT_MESSAGE);
const COUNT_MESSAGE = 'must be a positive whole number';
const positiveInt = z.coerce
  .number({ error: COUNT_MESSAGE })
  .int(COUNT_MESSAGE)
  .positive(COUNT_MESSAGE);
const path = z.string().min(1);

/**
 * Every setting of `vigil serve`: its schema with the default, the flag,
 * the environment variable, the unit and a description. docs/server.md
 * lists the same settings, and a test keeps the two in step. `reads`
 * marks a path that must exist and be readable when the server starts.
 */
export const SERVER_SETTINGS = {
  host: {
    schema: z.string().min(1).default('127.0.0.1'),
    flag: '--host',
    env: 'VIGIL_HOST',
    unit: 'address',
    description: 'Address to listen on.',
  },
  port: {
    schema: port.default(8080),
    flag: '--port',
    env: 'VIGIL_PORT',
    unit: 'TCP port',
    description: 'Port to listen on; 0 picks a free one.',
  },
  dataDir: {
    schema: path.default('./data'),
    flag: '--data-dir',
    env: 'VIGIL_DATA_DIR',
    unit: 'directory',
    description: 'Holds the SQLite file and temporary uploads.',
  },
  database: {
    schema: z
      .string()
      .regex(
        /^postgres(ql)?:\/\//,
        'must be a postgres:// URL; leave it unset for SQLite in the data directory',
      )
      .optional(),
    flag: '--database',
    env: 'VIGIL_DATABASE',
    unit: 'URL',
    description: 'PostgreSQL URL; unset means SQLite in the data directory.',
  },
  rulesDir: {
    schema: path.optional(),
    flag: '--rules',
    env: 'VIGIL_RULES_DIR',
    unit: 'directory',
    reads: 'directory',
    description: 'Rule pack to load; unset means the shipped rules/.',
  },
  bodyLimitBytes: {
    schema: positiveInt.default(16 * MIB),
    flag: '--body-limit',
    env: 'VIGIL_BODY_LIMIT_BYTES',
    unit: 'bytes',
    description: 'Largest webhook request body; larger ones get 413.',
  },
  // An event at the RequestResponse level carries the request object and
  // the stored object, so a pod padded to what the API server accepts can
  // exceed 3 MiB. Dropping it would skip its detection.
  maxEventBytes: {
    schema: positiveInt.default(8 * MIB),
    flag: '--max-event-bytes',
    env: 'VIGIL_MAX_EVENT_BYTES',
    unit: 'bytes',
    description:
      'Largest normalized event kept; larger ones are counted and dropped.',
  },
  uploadLimitBytes: {
    schema: positiveInt.default(1024 * MIB),
    flag: '--upload-limit',
    env: 'VIGIL_UPLOAD_LIMIT_BYTES',
    unit: 'bytes',
    description: 'Largest file accepted by POST /api/v1/uploads.',
  },
  dedupeWindowSeconds: {
    schema: positiveInt.default(600),
    flag: '--dedupe-window',
    env: 'VIGIL_DEDUPE_WINDOW_SECONDS',
    unit: 'seconds',
    description: 'How long event keys are kept to drop retried events.',
  },
  shutdownTimeoutSeconds: {
    schema: positiveInt.default(30),
    flag: '--shutdown-timeout',
    env: 'VIGIL_SHUTDOWN_TIMEOUT_SECONDS',
    unit: 'seconds',
    description: 'Time allowed to drain the queue on SIGTERM or SIGINT.',
  },
  tlsCert: {
    schema: path.optional(),
    flag: '--tls-cert',
    env: 'VIGIL_TLS_CERT',
    unit: 'PEM file',
    reads: 'file',
    description: 'Server certificate; with --tls-key, serves HTTPS.',
  },
  tlsKey: {
    schema: path.optional(),
    flag: '--tls-key',
    env: 'VIGIL_TLS_KEY',
    unit: 'PEM file',
    reads: 'file',
    description: 'Private key of --tls-cert.',
  },
  clientCa: {
    schema: path.optional(),
    flag: '--client-ca',
    env: 'VIGIL_CLIENT_CA',
    unit: 'PEM file',
    reads: 'file',
    description:
      'CA whose client certificates authenticate clusters by common name.',
  },
  logLevel: {
    schema: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    flag: '--log-level',
    env: 'VIGIL_LOG_LEVEL',
    unit: 'level',
    description: 'Lowest pino level written to standard output.',
  },
} as const;

/** The name of one setting, as in the YAML file. */
export type SettingName = keyof typeof SERVER_SETTINGS;
