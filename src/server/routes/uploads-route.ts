import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { K8sAuditEvent } from '../../sources/event.js';
import { AUDIT_FORMATS } from '../../sources/k8s-audit/audit-format.js';
import type { AuditProblem } from '../../sources/k8s-audit/audit-problem.js';
import { readAuditFile } from '../../sources/k8s-audit/read-audit-file.js';
import type { Cluster } from '../../store/cluster-store.js';
import { authenticateAdmin } from '../authenticate.js';
import { ApiError } from '../error-codes.js';
import type { IngestResult } from '../ingest/ingest-service.js';
import { countByCode, reportProblems } from '../ingest/report-problems.js';
import { parseRequest } from '../parse-request.js';
import type { ServerContext } from '../server-context.js';
import { enrolmentNotes } from './enrolment-notes.js';
import { registerFlowUploadRoute } from './flow-upload-route.js';
import { spoolUpload } from './spool-upload.js';

const SOURCE = 'k8s-audit';

/** Events queued per transaction while an upload is read. */
const UPLOAD_BATCH = 1000;

const uploadQuery = z.strictObject({
  format: z.enum(AUDIT_FORMATS as [string, ...string[]]).default('auto'),
  cluster: z.string().min(1).max(253),
});

/**
 * Registers `POST /api/v1/uploads?format=…&cluster=NAME`: an audit log
 * file or cloud export (gzip or not) in the body, read by the same parsers
 * as `vigil scan` and queued for the named cluster like webhook batches.
 * Events from before the cluster's enrolment are skipped, and the
 * response counts and explains them. The body is spooled to the data
 * directory first, because the reader sniffs the format and may need the
 * whole document.
 */
export async function registerUploadsRoute(
  app: FastifyInstance,
  context: ServerContext,
): Promise<void> {
  const limit = context.config.uploadLimitBytes;
  const spool = join(context.config.dataDir, 'uploads');

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    // The body stays a stream; the handler writes it to the spool file.
    scope.addContentTypeParser('*', (_request, payload, done) =>
      done(null, payload),
    );

    registerFlowUploadRoute(scope, context);
    scope.post(
      '/api/v1/uploads',
      {
        onRequest: async (request) => {
          await authenticateAdmin(context.store, request);
        },
      },
      async (request) => {
        const query = parseRequest(uploadQuery, request.query, 'query');
        const cluster = await context.store.clusters.get(query.cluster);
        if (!cluster) {
          throw new ApiError('CLUSTER_NOT_FOUND', { cluster: query.cluster });
        }

        return spoolUpload(request, spool, limit, (file) =>
          ingestFile(context, file, query.format, cluster),
        );
      },
    );
  });
}

async function ingestFile(
  context: ServerContext,
  file: string,
  format: string,
  cluster: Cluster,
) {
  const receivedMs = Date.now();
  const problems: AuditProblem[] = [];
  const total: IngestResult = {
    received: 0,
    queued: 0,
    duplicates: 0,
    beforeEnrolment: 0,
    tooLarge: 0,
  };
  const flush = async (events: K8sAuditEvent[]) => {
    const result = await context.ingest.ingest(
      cluster,
      SOURCE,
      events,
      receivedMs,
    );
    total.received += result.received;
    total.queued += result.queued;
    total.duplicates += result.duplicates;
    total.beforeEnrolment += result.beforeEnrolment;
    total.tooLarge += result.tooLarge;
  };

  let batch: K8sAuditEvent[] = [];
  const events = readAuditFile(file, {
    format: format as (typeof AUDIT_FORMATS)[number],
    defaultCluster: cluster.name,
    maxValueBytes: context.config.maxEventBytes,
    onDiagnostic: (diagnostic) =>
      problems.push({
        code: diagnostic.code,
        reason: diagnostic.reason,
        line: diagnostic.line,
      }),
  });
  for await (const event of events) {
    batch.push(event);
    if (batch.length < UPLOAD_BATCH) continue;
    await flush(batch);
    batch = [];
  }
  if (batch.length > 0) await flush(batch);

  const { metrics } = context;
  metrics.eventsReceived.inc(
    { source: SOURCE },
    total.received + problems.length,
  );
  metrics.eventsParsed.inc({ source: SOURCE }, total.received);
  metrics.addByReason(metrics.eventsDropped, countByCode(problems));
  context.logger.info(
    {
      cluster: cluster.name,
      events: total.received,
      queued: total.queued,
      beforeEnrolment: total.beforeEnrolment,
      invalid: problems.length,
    },
    'upload ingested',
  );
  return {
    ...total,
    ...reportProblems(problems),
    ...enrolmentNotes(cluster, total.beforeEnrolment),
  };
}
