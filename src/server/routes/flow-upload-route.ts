import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { FlowEvent } from '../../sources/event.js';
import { FLOW_FORMATS } from '../../sources/flow/flow-format.js';
import {
  readFlowBatches,
  sniffFlowFormat,
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
/**
 * Largest flow log accepted after decompression, in bytes, which bounds
 * what a small gzip body can add to the queue.
 */
const MAX_FLOW_UPLOAD_BYTES = 256 * 1024 * 1024;

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
  const limit = Math.min(
    context.config.uploadLimitBytes,
    MAX_FLOW_UPLOAD_BYTES,
  );
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
  requested: (typeof FLOW_FORMATS)[number] | 'auto',
  cluster: Cluster,
) {
  const receivedMs = Date.now();
  const format = requested === 'auto' ? await sniffFlowFormat(file) : requested;
  if (!format) {
    throw new ApiError('REQUEST_INVALID', {
      reason: 'not a flow log of a known format',
    });
  }

  const problems: AuditProblem[] = [];
  const total: IngestResult = {
    received: 0,
    queued: 0,
    duplicates: 0,
    beforeEnrolment: 0,
    tooLarge: 0,
  };
  const ingestBatch = async (batch: FlowEvent[]) => {
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
  };

  const batches = readFlowBatches(file, format, {
    cluster: cluster.name,
    maxBytes: MAX_FLOW_UPLOAD_BYTES,
    onProblem: (problem) =>
      problems.push({
        code: 'invalid-event',
        reason: problem.reason,
        line: problem.line,
      }),
  });
  // Only the reader's errors end the upload with REQUEST_INVALID. It
  // throws for the file as a whole, when it is too large once inflated or
  // its gzip is damaged. The flows read before that point are queued, as
  // `vigil scan` reads them. Store errors propagate.
  let failure: string | undefined;
  const pending: FlowEvent[] = [];
  const iterator = batches[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<FlowEvent[]>;
      try {
        next = await iterator.next();
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
        break;
      }
      if (next.done) break;
      pending.push(...next.value);
      while (pending.length >= UPLOAD_BATCH) {
        await ingestBatch(pending.splice(0, UPLOAD_BATCH));
      }
    }
    if (pending.length > 0) await ingestBatch(pending.splice(0));
  } finally {
    // A store error leaves the reader open; this closes the file.
    await iterator.return?.(undefined);
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
      format,
      events: total.received,
      queued: total.queued,
      beforeEnrolment: total.beforeEnrolment,
      invalid: problems.length,
      error: failure,
    },
    failure ? 'flow upload stopped early' : 'flow upload ingested',
  );
  if (failure !== undefined) {
    throw new ApiError('REQUEST_INVALID', {
      reason: `${failure}; the ${total.queued} flows before that point were queued`,
    });
  }
  return {
    format,
    ...total,
    ...reportProblems(problems),
    ...enrolmentNotes(cluster, total.beforeEnrolment),
  };
}
