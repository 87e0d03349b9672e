import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { jsonLine } from '../cli/safe-text.js';
import type { ServerConfig } from '../config/server-config.js';
import { registerAgentRoutes } from './agents/agent-routes.js';
import { ApiError } from './error-codes.js';
import { installErrorHandler } from './error-handler.js';
import { logStorageHealth } from './log-storage-health.js';
import { registerAgentIntelRoute } from './routes/agent-intel-route.js';
import { registerAlertsRoutes } from './routes/alerts-routes.js';
import { registerClustersRoutes } from './routes/clusters-routes.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerK8sAuditRoute } from './routes/k8s-audit-route.js';
import { registerUploadsRoute } from './routes/uploads-route.js';
import type { ServerContext } from './server-context.js';

function httpsOptions(config: ServerConfig) {
  if (!config.tlsCert || !config.tlsKey) return null;
  return {
    cert: readFileSync(config.tlsCert),
    key: readFileSync(config.tlsKey),
    ...(config.clientCa
      ? {
          ca: readFileSync(config.clientCa),
          requestCert: true,
          // Clients without a certificate may still use a bearer token;
          // the webhook checks `authorized` before trusting a certificate.
          rejectUnauthorized: false,
        }
      : {}),
  };
}

/** pino's number for the warn level. */
const WARN = 40;

/**
 * Builds the HTTP server with every route, the one error shape and the
 * shutdown guard. Listening is left to the caller.
 */
export async function buildServer(
  context: ServerContext,
): Promise<FastifyInstance> {
  const https = httpsOptions(context.config);
  const app = Fastify({
    // Fastify logs its own "Server listening at" line at info, and the
    // server logs one with the URL as a field. Fastify's logger therefore
    // starts at warn, or at the server's level when that is higher.
    loggerInstance: context.logger.child(
      {},
      { level: context.logger.levelVal > WARN ? context.logger.level : 'warn' },
    ),
    // Each request is not logged: at thousands of webhook batches a
    // second the lines would cost more than the work. Errors are logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: context.config.bodyLimitBytes,
    // Requests that arrive while the server closes reach the onRequest
    // hook below, which rejects them with SERVER_SHUTTING_DOWN in the
    // API's error shape, instead of Fastify's own 503 body.
    return503OnClosing: false,
    ...(https ? { https } : {}),
  }) as unknown as FastifyInstance;

  // Alerts carry pod names and user agents that attackers choose, and
  // curl prints responses to a terminal, so characters that a terminal
  // acts on are sent as JSON escapes.
  app.setReplySerializer((payload) => jsonLine(payload));
  installErrorHandler(app, context.logger);
  logStorageHealth(context.store.health, context.logger);
  // API bodies are JSON. Fastify also parses text/plain by default, and
  // such a body would reach the handlers as a string and fail validation
  // with 400 instead of 415. The webhook and upload scopes set their own
  // parsers for any type.
  app.removeContentTypeParser('text/plain');
  app.addHook('onRequest', async () => {
    if (context.closing) throw new ApiError('SERVER_SHUTTING_DOWN');
  });

  registerHealthRoutes(app, context);
  await registerK8sAuditRoute(app, context);
  await registerUploadsRoute(app, context);
  registerAlertsRoutes(app, context);
  registerClustersRoutes(app, context);
  await registerAgentRoutes(app, context);
  await registerAgentIntelRoute(app, context);
  return app;
}
