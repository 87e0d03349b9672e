import type { FastifyInstance, FastifyRequest } from 'fastify';
import { normalizeAuditValue } from '../../sources/k8s-audit/normalize-audit-value.js';
import type { Cluster } from '../../store/cluster-store.js';
import { authenticateCluster } from '../authenticate.js';
import { ApiError } from '../error-codes.js';
import { countByCode, reportProblems } from '../ingest/report-problems.js';
import { RepeatLimiter } from '../repeat-limiter.js';
import type { ServerContext } from '../server-context.js';
import { decodeContentEncoding } from './decode-content-encoding.js';

const SOURCE = 'k8s-audit';

/** The cluster that authenticated each webhook request. */
const clusters = new WeakMap<FastifyRequest, Cluster>();

function isEventList(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { items?: unknown }).items)
  );
}

/**
 * Registers `POST /k8s-audit`, the API server's audit webhook backend: a
 * batch `EventList` or a single `Event`, authenticated by the cluster's
 * token before the body is read. The response is 200 only after the events
 * are committed to the queue; unusable items are counted and listed while
 * the rest of the batch goes on.
 */
export async function registerK8sAuditRoute(
  app: FastifyInstance,
  context: ServerContext,
): Promise<void> {
  const bodyLimit = context.config.bodyLimitBytes;
  const limiter = new RepeatLimiter(60_000);
  const verifiesCertificates = context.config.clientCa !== undefined;

  await app.register(async (scope) => {
    // The API server sends application/json; any type is read as text so
    // that invalid JSON gets this route's own message.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'string', bodyLimit },
      (_request, body, done) => done(null, body),
    );

    scope.post(
      '/k8s-audit',
      {
        bodyLimit,
        onRequest: async (request) => {
          const cluster = await authenticateCluster(
            context.store,
            request,
            verifiesCertificates,
          );
          clusters.set(request, cluster);
        },
        preParsing: async (request, _reply, payload) =>
          decodeContentEncoding(request, payload),
      },
      async (request) => {
        const receivedMs = Date.now();
        const cluster = clusters.get(request) as Cluster;
        const body = String(request.body ?? '');
        let value: unknown;
        try {
          value = JSON.parse(body);
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          throw new ApiError('REQUEST_INVALID_JSON', { reason });
        }

        const out = normalizeAuditValue(value, {
          format: 'k8s-audit',
          defaultCluster: cluster.name,
        });
        const { metrics } = context;
        metrics.eventsReceived.inc(
          { source: SOURCE },
          out.events.length + out.problems.length,
        );
        metrics.eventsParsed.inc({ source: SOURCE }, out.events.length);
        metrics.addByReason(metrics.eventsDropped, countByCode(out.problems));
        if (out.events.length === 0 && !isEventList(value)) {
          const reason = out.problems[0]?.reason ?? 'no event found';
          throw new ApiError('WEBHOOK_INVALID_BODY', { reason });
        }

        let result: Awaited<ReturnType<typeof context.ingest.ingest>>;
        try {
          result = await context.ingest.ingest(
            cluster,
            SOURCE,
            out.events,
            receivedMs,
            body,
          );
        } catch (error) {
          context.logger.error(
            { err: error, cluster: cluster.name },
            'queuing events failed',
          );
          throw new ApiError('STORE_UNAVAILABLE');
        }

        const report = reportProblems(out.problems);
        if (report.invalid + result.tooLarge > 0) {
          const suppressed = limiter.take(cluster.name);
          if (suppressed !== undefined) {
            context.logger.warn(
              {
                cluster: cluster.name,
                invalid: report.invalid,
                tooLarge: result.tooLarge,
                suppressed,
              },
              'unusable audit events dropped',
            );
          }
        }
        return { ...result, ...report };
      },
    );
  });
}
