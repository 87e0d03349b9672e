import type { FastifyInstance } from 'fastify';
import { authenticateAdmin } from '../authenticate.js';
import { ApiError } from '../error-codes.js';
import type { ServerContext } from '../server-context.js';

/**
 * Registers `/healthz` (liveness, no token), `/readyz` (database reachable
 * and worker running, no token) and `/metrics` (admin token).
 */
export function registerHealthRoutes(
  app: FastifyInstance,
  context: ServerContext,
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

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
    return { status: 'ready' };
  });

  app.get('/metrics', async (request, reply) => {
    await authenticateAdmin(context.store, request);
    const text = await context.metrics.registry.metrics();
    void reply.type(context.metrics.registry.contentType);
    return text;
  });
}
