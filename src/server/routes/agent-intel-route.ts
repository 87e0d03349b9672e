import type { FastifyInstance } from 'fastify';
import { AGENT_PATHS } from '../../agent/agent-protocol.js';
import { authenticateCluster } from '../authenticate.js';
import type { ServerContext } from '../server-context.js';

/**
 * Registers `GET /api/v1/agent/intel`: the server's threat intelligence
 * as `IndicatorStore.toJSON()` writes it, for node agents with their
 * cluster's token. The ETag is the quoted content hash, so an agent whose
 * copy is current gets 304 for `If-None-Match`.
 */
export async function registerAgentIntelRoute(
  app: FastifyInstance,
  context: ServerContext,
): Promise<void> {
  const verifiesCertificates = context.config.clientCa !== undefined;

  app.get(AGENT_PATHS.intel, async (request, reply) => {
    await authenticateCluster(context.store, request, verifiesCertificates);
    const { serialized, etag } = context.intel.current;
    reply.header('etag', etag);
    if (request.headers['if-none-match'] === etag) {
      return reply.code(304).send();
    }
    return serialized;
  });
}
