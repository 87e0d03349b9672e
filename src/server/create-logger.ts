import { type Logger, pino } from 'pino';

/**
 * Creates the server's pino logger, writing JSON lines to standard output.
 * Paths that can hold a secret are redacted, as a second line of defence:
 * no call site logs a token or a request's headers.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'vigil' },
    redact: {
      paths: [
        'token',
        'adminToken',
        '*.token',
        'req.headers.authorization',
        'headers.authorization',
      ],
      censor: '[redacted]',
    },
  });
}
