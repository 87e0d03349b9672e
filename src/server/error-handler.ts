import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { isDiskFullError } from '../store/disk-full-error.js';
import { ApiError } from './error-codes.js';
import { RepeatLimiter } from './repeat-limiter.js';

/**
 * Maps any error thrown while handling a request to an ApiError. Fastify's
 * own errors (body too large, invalid JSON, unsupported media type) keep
 * their meaning and status under the API's codes.
 */
export function toApiError(
  error: FastifyError | Error,
  request: FastifyRequest,
): ApiError {
  if (error instanceof ApiError) return error;
  if (isDiskFullError(error)) return new ApiError('STORE_DISK_FULL');
  const code = 'code' in error ? String(error.code) : '';
  const status = 'statusCode' in error ? Number(error.statusCode) : 500;

  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    const limit = request.routeOptions.bodyLimit ?? 0;
    return new ApiError('REQUEST_BODY_TOO_LARGE', { limit });
  }
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    // Only the JSON routes have a parser per type. The webhook and the
    // upload routes take any Content-Type.
    const header = request.headers['content-type'];
    return new ApiError('REQUEST_UNSUPPORTED_MEDIA_TYPE', {
      contentType: header === undefined ? '(none)' : JSON.stringify(header),
    });
  }
  // zlib's errors, from a gzip body that is corrupt or cut short.
  if (code.startsWith('Z_')) {
    return new ApiError('REQUEST_INVALID_ENCODING', {
      encoding: 'gzip',
      reason: error.message,
    });
  }
  if (
    code.startsWith('FST_ERR_CTP_INVALID_JSON') ||
    code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
  ) {
    return new ApiError('REQUEST_INVALID_JSON', { reason: error.message });
  }
  if (status >= 400 && status < 500) {
    return new ApiError('REQUEST_INVALID', { reason: error.message });
  }
  return new ApiError('INTERNAL_ERROR', { requestId: request.id });
}

/** Installs the one JSON error shape for every failure and for 404s. */
export function installErrorHandler(
  app: FastifyInstance,
  logger: Logger,
): void {
  // While the disk is full every write fails, so one line a minute
  // reports it with the number of failures suppressed.
  const diskFullLines = new RepeatLimiter(60_000);
  // Failed authentication comes from token guessers and from clusters
  // with a revoked token, so one line a minute is logged per address and
  // code.
  const authLines = new RepeatLimiter(60_000);
  app.setErrorHandler((error, request, reply) => {
    const apiError = toApiError(error as FastifyError, request);
    if (apiError.code === 'STORE_DISK_FULL') {
      const suppressed = diskFullLines.take('disk-full');
      if (suppressed !== undefined) {
        logger.error(
          { err: error, reqId: request.id, suppressed },
          'request failed: no space left on the disk',
        );
      }
    } else if (apiError.statusCode === 401) {
      const suppressed = authLines.take(`${request.ip} ${apiError.code}`);
      if (suppressed !== undefined) {
        logger.warn(
          {
            code: apiError.code,
            ip: request.ip,
            route: request.routeOptions.url,
            suppressed,
          },
          'authentication failed',
        );
      }
    } else if (apiError.statusCode >= 500 && !(error instanceof ApiError)) {
      // ApiErrors were logged where they were raised, with their context.
      logger.error({ err: error, reqId: request.id }, 'request failed');
    }
    void reply.status(apiError.statusCode).send(apiError.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    const apiError = new ApiError('ROUTE_NOT_FOUND', {
      method: request.method,
      url: request.url.split('?')[0] ?? '',
    });
    void reply.status(apiError.statusCode).send(apiError.toBody());
  });
}
