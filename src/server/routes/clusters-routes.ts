import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authenticateAdmin } from '../authenticate.js';
import { ApiError } from '../error-codes.js';
import { parseRequest } from '../parse-request.js';
import type { ServerContext } from '../server-context.js';
import { clusterCoverage, type IntelCoverage } from './coverage.js';

const clusterParams = z.strictObject({ name: z.string().min(1).max(253) });

/**
 * Registers `GET /api/v1/clusters` (enrolled clusters with their sources'
 * last receipt) and `GET /api/v1/clusters/:name/coverage` (which alert
 * types the connected sources can raise).
 */
export function registerClustersRoutes(
  app: FastifyInstance,
  context: ServerContext,
): void {
  const { store, pack } = context;

  app.get('/api/v1/clusters', async (request) => {
    await authenticateAdmin(store, request);
    const [clusters, activity] = await Promise.all([
      store.clusters.list(),
      store.sources.list(),
    ]);
    const nowMs = Date.now();
    const items = clusters.map((cluster) => {
      const own = activity.filter((item) => item.cluster === cluster.name);
      const coverage = clusterCoverage(
        cluster.name,
        own,
        pack,
        nowMs,
        intelCoverage(context),
      );
      return {
        name: cluster.name,
        enrolledAt: new Date(cluster.enrolledMs).toISOString(),
        revokedAt:
          cluster.revokedMs === null
            ? null
            : new Date(cluster.revokedMs).toISOString(),
        sources: coverage.sources,
      };
    });
    return { items };
  });

  app.get('/api/v1/clusters/:name/coverage', async (request) => {
    await authenticateAdmin(store, request);
    const { name } = parseRequest(clusterParams, request.params, 'params');
    const cluster = await store.clusters.get(name);
    if (!cluster) throw new ApiError('CLUSTER_NOT_FOUND', { cluster: name });
    const activity = await store.sources.list(name);
    return clusterCoverage(
      name,
      activity,
      pack,
      Date.now(),
      intelCoverage(context),
    );
  });
}

function intelCoverage(context: ServerContext): IntelCoverage {
  const { store, loadedMs } = context.intel.current;
  return { categories: store.categories(), loadedMs };
}
