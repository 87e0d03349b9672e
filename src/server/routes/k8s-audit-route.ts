import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Cluster } from '../../store/cluster-store.js';
import { isDiskFullError } from '../../store/disk-full-error.js';
import { authenticateCluster } from '../authenticate.js';
import { ApiError } from '../error-codes.js';
import {
  type BodySummary,
  summarizeBody,
  tooLargeProblems,
} from '../ingest/body-summary.js';
import {
  countByCode,
  MAX_REPORTED_PROBLEMS,
  reportProblems,
} from '../ingest/report-problems.js';
import { RepeatLimiter } from '../repeat-limiter.js';
import type { ServerContext } from '../server-context.js';
import { decodeContentEncoding } from './decode-content-encoding.js';

const SOURCE = 'k8s-audit';

/** Audit IDs of oversized events named in one log line at most. */
const MAX_LOGGED_IDS = 10;

/** The cluster that authenticated each webhook request. */
const clusters = new WeakMap<FastifyRequest, Cluster>();

/**
 * Normalizes a body on the detection thread, which then keeps its events
 * for detection, or on this thread while no detection thread runs.
 * Throws REQUEST_INVALID_JSON for a body that is not JSON.
 */
async function summarize(
  context: ServerContext,
  body: string,
  cluster: Cluster,
): Promise<{ summary: BodySummary; pendingId?: number }> {
  const max = context.config.maxEventBytes;
  const remote = await context.worker.normalize(body, cluster.name, max);
  const result = remote ?? summarizeBody(body, cluster.name, max);
  if ('invalidJson' in result) {
    throw new ApiError('REQUEST_INVALID_JSON', { reason: result.invalidJson });
  }
  return {
    summary: result.summary,
    pendingId: 'pendingId' in result ? result.pendingId : undefined,
  };
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
        const { summary, pendingId } = await summarize(context, body, cluster);
        const { metrics } = context;
        const parsed = summary.timesMs.length;
        metrics.eventsReceived.inc(
          { source: SOURCE },
          parsed + summary.problems.length,
        );
        metrics.eventsParsed.inc({ source: SOURCE }, parsed);
        metrics.addByReason(
          metrics.eventsDropped,
          countByCode(summary.problems),
        );
        if (parsed === 0 && !summary.eventList) {
          if (pendingId !== undefined) context.worker.discard(pendingId);
          const reason = summary.problems[0]?.reason ?? 'no event found';
          throw new ApiError('WEBHOOK_INVALID_BODY', { reason });
        }

        let result: Awaited<ReturnType<typeof context.ingest.ingestBody>>;
        try {
          result = await context.ingest.ingestBody(
            cluster,
            summary,
            receivedMs,
            body,
            pendingId,
          );
        } catch (error) {
          // The store logs a full disk once, not once per request.
          if (isDiskFullError(error)) throw new ApiError('STORE_DISK_FULL');
          context.logger.error(
            { err: error, cluster: cluster.name },
            'queuing events failed',
          );
          throw new ApiError('STORE_UNAVAILABLE');
        }

        const report = reportProblems(summary.problems);
        const tooLarge = tooLargeProblems(
          summary,
          cluster.enrolledMs,
          context.config.maxEventBytes,
        );
        if (report.invalid + result.tooLarge > 0) {
          const suppressed = limiter.take(cluster.name);
          if (suppressed !== undefined) {
            context.logger.warn(
              {
                cluster: cluster.name,
                invalid: report.invalid,
                tooLarge: result.tooLarge,
                tooLargeAuditIDs: tooLarge
                  .slice(0, MAX_LOGGED_IDS)
                  .map((problem) => problem.auditID),
                suppressed,
              },
              'unusable audit events dropped',
            );
          }
        }
        // `invalid` counts unusable items; events dropped for their size
        // are counted in `tooLarge` and listed after them.
        const problems = [...report.problems, ...tooLarge].slice(
          0,
          MAX_REPORTED_PROBLEMS,
        );
        return { ...result, invalid: report.invalid, problems };
      },
    );
  });
}
