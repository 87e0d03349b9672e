import type { FastifyInstance } from 'fastify';
import { authenticateAdmin } from '../authenticate.js';
import { ApiError } from '../error-codes.js';
import type { ServerContext } from '../server-context.js';
import { WriteReadiness } from '../write-readiness.js';

/**
 * Registers `/healthz` (liveness, no token), `/readyz` (database reachable
 * and taking writes, worker running, no token) and `/metrics` (admin
 * token).
 */
export function registerHealthRoutes(
  app: FastifyInstance,
  context: ServerContext,
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  const writes = new WriteReadiness(context);

  app.get('/readyz', async () => {
    if (context.closing) throw new ApiError('SERVER_SHUTTING_DOWN');
    if (!context.worker.running) {
      throw new ApiError('SERVER_NOT_READY', {
        reason: 'the detection worker is not running',
      });
    }
    try {
      await context.store.ping();
    } catch (error) {
      context.logger.warn({ err: error }, 'readiness check failed');
      throw new ApiError('SERVER_NOT_READY', {
        reason: 'the database does not answer',
      });
    }
    if (!(await writes.check())) {
      throw new ApiError('SERVER_NOT_READY', {
        reason:
          'database writes fail because its disk is full; free space on it',
      });
    }
    return { status: 'ready' };
  });

  app.get('/metrics', async (request, reply) => {
    await authenticateAdmin(context.store, request);
    const text = await context.metrics.registry.metrics();
    void reply.type(context.metrics.registry.contentType);
    return text;
  });
}
