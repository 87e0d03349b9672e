import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AGENT_PATHS } from '../../agent/agent-protocol.js';
import type { Alert } from '../../alerts/alert.js';
import { defaultRulePackDir } from '../../engine/rule-pack-dir.js';
import { alertToRow } from '../../store/alert-row.js';
import type { Cluster } from '../../store/cluster-store.js';
import { authenticateAdmin, authenticateCluster } from '../authenticate.js';
import { parseRequest } from '../parse-request.js';
import type { ServerContext } from '../server-context.js';
import { alertAggregationKey } from '../worker/alert-aggregation-key.js';
import {
  alertBatchSchema,
  heartbeatSchema,
  inventorySchema,
} from './agent-alert-schema.js';
import { agentRulePackDocument } from './agent-rule-pack.js';

const clusters = new WeakMap<FastifyRequest, Cluster>();

/**
 * Registers the node agent's endpoints: alert batches, heartbeats and
 * inventory (POST, with the cluster's token), the rule pack (GET with
 * ETag), and `GET /api/v1/agents` for admins. Alerts are stored under the
 * authenticated cluster whatever cluster the body names. A batch sent
 * again stores nothing twice: an alert id already stored only grows by
 * the count it gained since.
 */
export async function registerAgentRoutes(
  app: FastifyInstance,
  context: ServerContext,
): Promise<void> {
  const pack = agentRulePackDocument(
    context.config.rulesDir ?? defaultRulePackDir(),
  );
  const etag = `"${pack.version}"`;
  const verifiesCertificates = context.config.clientCa !== undefined;
  const rules = new Map(context.pack.rules.map((rule) => [rule.id, rule]));

  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request) => {
      clusters.set(
        request,
        await authenticateCluster(context.store, request, verifiesCertificates),
      );
    });

    scope.post(AGENT_PATHS.alerts, async (request, reply) => {
      const cluster = clusters.get(request) as Cluster;
      const batch = parseRequest(alertBatchSchema, request.body, 'body');
      const nowMs = Date.now();
      let stored = 0;
      await context.store.transaction(async (tx) => {
        for (const received of batch.alerts) {
          const alert = { ...received, cluster: cluster.name } as Alert;
          const existing = await tx.alerts.get(alert.id);
          if (existing) {
            const added = alert.count - existing.count;
            if (added > 0) {
              await tx.alerts.addRepeat(
                alert.id,
                { ...alert, count: added },
                nowMs,
              );
            }
            continue;
          }
          const rule = rules.get(alert.alertType);
          const key = rule
            ? alertAggregationKey(alert, rule)
            : `agent:${alert.id}`;
          const windowEnd = Date.parse(alert.startTime) + (rule?.windowMs ?? 0);
          await tx.alerts.insert(alertToRow(alert, key, windowEnd, nowMs));
          stored++;
        }
        // Coverage shows the agent as connected from its batches, and
        // counts the alerts it sent as its events.
        await tx.sources.record(
          cluster.name,
          'agent',
          batch.alerts.length,
          nowMs,
        );
        await tx.agents.record(cluster.name, batch.node, {}, nowMs);
      });
      reply.code(200);
      return { stored, received: batch.alerts.length };
    });

    scope.post(AGENT_PATHS.heartbeat, async (request) => {
      const cluster = clusters.get(request) as Cluster;
      const heartbeat = parseRequest(heartbeatSchema, request.body, 'body');
      const nowMs = Date.now();
      // An agent that raises nothing still keeps its source connected.
      await context.store.transaction(async (tx) => {
        await tx.sources.record(cluster.name, 'agent', 0, nowMs);
        await tx.agents.record(
          cluster.name,
          heartbeat.node,
          { heartbeat },
          nowMs,
        );
      });
      return { ok: true };
    });

    scope.post(AGENT_PATHS.inventory, async (request) => {
      const cluster = clusters.get(request) as Cluster;
      const inventory = parseRequest(inventorySchema, request.body, 'body');
      const nowMs = Date.now();
      await context.store.transaction((tx) =>
        tx.agents.record(cluster.name, inventory.node, { inventory }, nowMs),
      );
      return { ok: true };
    });

    scope.get(AGENT_PATHS.rulePack, async (request, reply) => {
      reply.header('etag', etag);
      if (request.headers['if-none-match'] === etag)
        return reply.code(304).send();
      return pack;
    });
  });

  app.get('/api/v1/agents', async (request) => {
    await authenticateAdmin(context.store, request);
    const { cluster } = request.query as { cluster?: string };
    return {
      items: await context.store.agents.list(
        typeof cluster === 'string' ? cluster : undefined,
      ),
    };
  });
}
