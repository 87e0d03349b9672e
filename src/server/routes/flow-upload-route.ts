import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { FLOW_FORMATS } from '../../sources/flow/flow-format.js';
import {
  MAX_FLOW_FILE_BYTES,
  readFlowFile,
} from '../../sources/flow/read-flow-file.js';
import type { AuditProblem } from '../../sources/k8s-audit/audit-problem.js';
import type { Cluster } from '../../store/cluster-store.js';
import { authenticateAdmin } from '../authenticate.js';
import { ApiError } from '../error-codes.js';
import type { IngestResult } from '../ingest/ingest-service.js';
import { reportProblems } from '../ingest/report-problems.js';
import { parseRequest } from '../parse-request.js';
import type { ServerContext } from '../server-context.js';
import { enrolmentNotes } from './enrolment-notes.js';
import { spoolUpload } from './spool-upload.js';

const SOURCE = 'flow-logs';

/** Flow events per ingest call, so one upload is several commits. */
const UPLOAD_BATCH = 1000;

const flowUploadQuery = z.strictObject({
  format: z.enum(['auto', ...FLOW_FORMATS]).default('auto'),
  cluster: z.string().min(1).max(253),
});

/**
 * Registers `POST /api/v1/uploads/flows?cluster=NAME&format=…` with the
 * admin token. The body is an AWS VPC, GCP VPC, Azure NSG or VNet flow
 * log, gzip or not, read by the parsers of `vigil scan`. Its flows are
 * queued for the named cluster, and the detection worker runs the rules
 * and their threat intelligence over them. The scope must leave bodies
 * as streams.
 */
export function registerFlowUploadRoute(
  scope: FastifyInstance,
  context: ServerContext,
): void {
  const limit = Math.min(context.config.uploadLimitBytes, MAX_FLOW_FILE_BYTES);
  const spool = join(context.config.dataDir, 'uploads');

  scope.post(
    '/api/v1/uploads/flows',
    {
      onRequest: async (request) => {
        await authenticateAdmin(context.store, request);
      },
    },
    async (request) => {
      const query = parseRequest(flowUploadQuery, request.query, 'query');
      const cluster = await context.store.clusters.get(query.cluster);
      if (!cluster) {
        throw new ApiError('CLUSTER_NOT_FOUND', { cluster: query.cluster });
      }
      return spoolUpload(request, spool, limit, (file) =>
        ingestFlowFile(context, file, query.format, cluster),
      );
    },
  );
}

async function ingestFlowFile(
  context: ServerContext,
  file: string,
  format: (typeof FLOW_FORMATS)[number] | 'auto',
  cluster: Cluster,
) {
  const receivedMs = Date.now();
  const problems: AuditProblem[] = [];
  let read: Awaited<ReturnType<typeof readFlowFile>>;
  try {
    read = await readFlowFile(file, {
      format: format === 'auto' ? undefined : format,
      cluster: cluster.name,
      onProblem: (problem) =>
        problems.push({
          code: 'invalid-event',
          reason: problem.reason,
          line: problem.line,
        }),
    });
  } catch (error) {
    // readFlowFile throws only for the file as a whole: not a flow log,
    // too large once inflated, or damaged gzip.
    const reason = error instanceof Error ? error.message : String(error);
    throw new ApiError('REQUEST_INVALID', { reason });
  }

  const total: IngestResult = {
    received: 0,
    queued: 0,
    duplicates: 0,
    beforeEnrolment: 0,
    tooLarge: 0,
  };
  for (let i = 0; i < read.events.length; i += UPLOAD_BATCH) {
    const batch = read.events.slice(i, i + UPLOAD_BATCH);
    const result = await context.ingest.ingest(
      cluster,
      SOURCE,
      batch,
      receivedMs,
    );
    total.received += result.received;
    total.queued += result.queued;
    total.duplicates += result.duplicates;
    total.beforeEnrolment += result.beforeEnrolment;
    total.tooLarge += result.tooLarge;
  }

  const { metrics } = context;
  metrics.eventsReceived.inc(
    { source: SOURCE },
    total.received + problems.length,
  );
  metrics.eventsParsed.inc({ source: SOURCE }, total.received);
  metrics.addByReason(metrics.eventsDropped, {
    'invalid-event': problems.length,
  });
  context.logger.info(
    {
      cluster: cluster.name,
      format: read.format,
      events: total.received,
      queued: total.queued,
      beforeEnrolment: total.beforeEnrolment,
      invalid: problems.length,
    },
    'flow upload ingested',
  );
  return {
    format: read.format,
    ...total,
    ...reportProblems(problems),
    ...enrolmentNotes(cluster, total.beforeEnrolment),
  };
}
