import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Cluster } from '../../store/cluster-store.js';
import { isDiskFullError } from '../../store/disk-full-error.js';
import { authenticateCluster } from '../authenticate.js';
import { ApiError } from '../error-codes.js';
import {
  type BodySummary,
  summarizeBody,
  type TooLargeProblem,
  tooLargeProblem,
  tooLargeProblems,
} from '../ingest/body-summary.js';
import type { IngestResult } from '../ingest/ingest-service.js';
import {
  countByCode,
  MAX_REPORTED_PROBLEMS,
  reportProblems,
} from '../ingest/report-problems.js';
import { type SplitBody, splitEventList } from '../ingest/split-event-list.js';
import { RepeatLimiter } from '../repeat-limiter.js';
import type { ServerContext } from '../server-context.js';
import type { DetectedCounts } from '../worker/detection-thread-messages.js';
import { decodeContentEncoding } from './decode-content-encoding.js';

const SOURCE = 'k8s-audit';

/** Audit IDs of oversized events named in one log line at most. */
const MAX_LOGGED_IDS = 10;

/** The cluster that authenticated each webhook request. */
const clusters = new WeakMap<FastifyRequest, Cluster>();

/**
 * Passes a body to the detection thread, which either detects it at once
 * and returns the pending write of its outcome, or normalizes it to be
 * queued and keeps the events as `pendingId`. While no detection thread
 * runs, this thread normalizes it. Throws REQUEST_INVALID_JSON for a
 * body that is not JSON.
 */
async function ingestBody(
  context: ServerContext,
  body: string | SplitBody,
  cluster: Cluster,
  receivedMs: number,
): Promise<
  | { detected: DetectedCounts; stored: Promise<void> }
  | { summary: BodySummary; pendingId?: number }
> {
  const max = context.config.maxEventBytes;
  const remote = await context.worker.ingest({
    body,
    cluster: cluster.name,
    enrolledMs: cluster.enrolledMs,
    maxEventBytes: max,
    receivedMs,
  });
  const result = remote ?? summarizeBody(body, cluster.name, max);
  if ('invalidJson' in result) {
    throw new ApiError('REQUEST_INVALID_JSON', { reason: result.invalidJson });
  }
  if ('detected' in result) return result;
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
    // The API server sends application/json; any type is read as bytes
    // so that invalid JSON gets this route's own message.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit },
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
        const bytes = Buffer.isBuffer(request.body)
          ? request.body
          : Buffer.alloc(0);
        const body = splitEventList(bytes) ?? bytes.toString();
        // Outcomes wait for a write in numbers only while the database fails.
        if (context.ingest.backlogged) throw new ApiError('STORE_UNAVAILABLE');
        const ingested = await ingestBody(context, body, cluster, receivedMs);
        const detected = 'detected' in ingested ? ingested.detected : undefined;
        const summary = 'summary' in ingested ? ingested.summary : undefined;
        const pendingId =
          'pendingId' in ingested ? ingested.pendingId : undefined;
        const bodyProblems = detected?.problems ?? summary?.problems ?? [];
        const { metrics } = context;
        const parsed = detected?.received ?? summary?.timesMs.length ?? 0;
        metrics.eventsReceived.inc(
          { source: SOURCE },
          parsed + bodyProblems.length,
        );
        metrics.eventsParsed.inc({ source: SOURCE }, parsed);
        metrics.addByReason(metrics.eventsDropped, countByCode(bodyProblems));
        if (parsed === 0 && !(detected?.eventList ?? summary?.eventList)) {
          if (pendingId !== undefined) context.worker.discard(pendingId);
          const reason = bodyProblems[0]?.reason ?? 'no event found';
          throw new ApiError('WEBHOOK_INVALID_BODY', { reason });
        }

        const max = context.config.maxEventBytes;
        let result: IngestResult;
        let tooLarge: TooLargeProblem[];
        try {
          if (detected && 'stored' in ingested) {
            result = await context.ingest.ingestDetected(
              detected,
              ingested.stored,
            );
            tooLarge = detected.tooLargeEvents.map(({ auditID, stage }) =>
              tooLargeProblem(auditID, stage, max),
            );
          } else {
            const queued = summary as BodySummary;
            result = await context.ingest.ingestBody(
              cluster,
              queued,
              receivedMs,
              typeof body === 'string' ? body : bytes.toString(),
              pendingId,
            );
            tooLarge = tooLargeProblems(queued, cluster.enrolledMs, max);
          }
        } catch (error) {
          // The store logs a full disk once, not once per request.
          if (isDiskFullError(error)) throw new ApiError('STORE_DISK_FULL');
          context.logger.error(
            { err: error, cluster: cluster.name },
            'queuing events failed',
          );
          throw new ApiError('STORE_UNAVAILABLE');
        }

        const report = reportProblems(bodyProblems);
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
