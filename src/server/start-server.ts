import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ServerConfig } from '../config/server-config.js';
import { loadRulePack } from '../engine/load-rules.js';
import { defaultRulePackDir } from '../engine/rule-pack-dir.js';
import { Store } from '../store/store.js';
import { bootstrapAdminToken } from './bootstrap-admin-token.js';
import { buildServer } from './build-server.js';
import { IngestService } from './ingest/ingest-service.js';
import { ServerIntel } from './intel/server-intel.js';
import type { ServerContext } from './server-context.js';
import { ServerMetrics } from './server-metrics.js';
import { DetectionThread } from './worker/detection-thread.js';

/** Interval between deletions of expired retry keys, in milliseconds. */
const PRUNE_INTERVAL_MS = 30_000;

/**
 * Retry keys the webhook holds in memory: at about 150 bytes each, 64 MB
 * at most. Past it the oldest are evicted and the detection worker's
 * durable check drops their repeats instead.
 */
const MAX_RETRY_KEYS = 400_000;

/** A listening server and how to stop it. */
export interface RunningServer {
  url: string;
  app: FastifyInstance;
  /** Stops accepting, drains the queue, closes the database. */
  close(): Promise<void>;
}

/** Options of `startServer` besides the configuration. */
export interface StartOptions {
  logger: Logger;
  /** Receives a generated admin token, to show once. */
  onAdminTokenGenerated: (token: string) => void;
}

/**
 * Starts `vigil serve`: loads the rule pack, opens and migrates the store,
 * makes sure an admin token exists, starts the detection worker and then
 * listens. The worker starts first so that batches left queued by an
 * earlier run are processed from the start.
 */
export async function startServer(
  config: ServerConfig,
  options: StartOptions,
): Promise<RunningServer> {
  const { logger } = options;
  const store = await Store.open(config);
  logger.info({ dialect: store.dialect }, 'store opened');

  // The detection thread loads the rule pack on the second core while
  // this thread loads its own copy; it starts after the migrations ran.
  const metrics = new ServerMetrics();
  metrics.queueDepth.set(await store.queue.depth());
  // The worker is assigned before any refresh can complete, since the
  // refresher starts only after the server listens.
  let worker: DetectionThread | undefined;
  const ingest = new IngestService(store, metrics, {
    maxEventBytes: config.maxEventBytes,
    dedupeWindowMs: config.dedupeWindowSeconds * 1000,
    maxRetryKeys: MAX_RETRY_KEYS,
    onQueued: (rows, discarded) => {
      let events = 0;
      for (const row of rows) events += row.eventCount;
      metrics.queueDepth.inc(events);
      worker?.handOff(rows, discarded);
    },
    logger,
  });
  const intel = new ServerIntel(config.dataDir, logger, (snapshot) =>
    worker?.setIntel(snapshot.serialized),
  );
  worker = new DetectionThread(
    {
      database: config.database,
      dataDir: config.dataDir,
      rulesDir: config.rulesDir,
      logLevel: config.logLevel,
      dedupeWindowSeconds: config.dedupeWindowSeconds,
      maxRetryKeys: MAX_RETRY_KEYS,
      intel: intel.current.serialized,
    },
    logger,
    (outcome, responding) => ingest.storeOutcome(outcome, responding),
  );
  const workerStarted = worker.start();
  // A failed start is awaited below; this keeps it from counting as
  // unhandled before then.
  workerStarted.catch(() => {});
  const pack = loadRulePack(config.rulesDir ?? defaultRulePackDir());

  const generated = await bootstrapAdminToken(
    store,
    config.adminToken,
    Date.now(),
  );
  if (generated !== undefined) options.onAdminTokenGenerated(generated);

  const context: ServerContext = {
    config,
    store,
    pack,
    metrics,
    logger,
    ingest,
    worker,
    intel,
    closing: false,
  };
  await workerStarted;

  const app = await buildServer(context);
  const url = await app.listen({ host: config.host, port: config.port });
  const prune = setInterval(() => pruneRetryKeys(context), PRUNE_INTERVAL_MS);
  prune.unref();
  intel.start();
  logger.info({ url }, 'server listening');

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= shutDown(context, app, prune);
    return closed;
  };
  return { url, app, close };
}

async function pruneRetryKeys(context: ServerContext): Promise<void> {
  const cutoff = Date.now() - context.config.dedupeWindowSeconds * 1000;
  const chunk = 1000;
  try {
    while (
      (await context.store.queue.forgetSeenBefore(cutoff, chunk)) === chunk
    ) {
      // Let requests waiting for the database run between chunks.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } catch (error) {
    context.logger.warn({ err: error }, 'deleting expired retry keys failed');
  }
}

async function shutDown(
  context: ServerContext,
  app: FastifyInstance,
  prune: NodeJS.Timeout,
): Promise<void> {
  const started = Date.now();
  context.logger.info({}, 'shutdown started');
  context.closing = true;
  clearInterval(prune);
  await app.close();
  await context.intel.stop();

  const timeoutMs = context.config.shutdownTimeoutSeconds * 1000;
  const drained = await context.worker.drain(timeoutMs);
  if (!drained) {
    context.logger.warn(
      { timeoutMs },
      'queue not drained before the timeout; the rest stays queued',
    );
  }
  await context.store.close();
  context.logger.info(
    { durationMs: Date.now() - started },
    'shutdown complete',
  );
}
