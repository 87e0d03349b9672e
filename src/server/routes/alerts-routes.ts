import type { FastifyInstance } from 'fastify';
import { decodeCursor } from '../../store/alert-filter.js';
import { authenticateAdmin } from '../authenticate.js';
import { ApiError } from '../error-codes.js';
import { parseRequest } from '../parse-request.js';
import type { ServerContext } from '../server-context.js';
import {
  alertParams,
  listAlertsQuery,
  patchAlertBody,
} from './alert-schemas.js';

/**
 * Registers the alerts API: `GET /api/v1/alerts` (filters and cursor
 * pagination), `GET /api/v1/alerts/:id` (with evidence and status
 * history) and `PATCH /api/v1/alerts/:id` (status, who and why).
 */
export function registerAlertsRoutes(
  app: FastifyInstance,
  context: ServerContext,
): void {
  const { store } = context;

  app.get('/api/v1/alerts', async (request) => {
    await authenticateAdmin(store, request);
    const query = parseRequest(listAlertsQuery, request.query, 'query');
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    if (query.cursor && !after) {
      throw new ApiError('REQUEST_INVALID', {
        reason: 'query.cursor: not a cursor from a previous page',
      });
    }
    return store.alerts.list({
      cluster: query.cluster,
      severity: query.severity,
      minSeverity: query.minSeverity,
      alertType: query.alertType,
      status: query.status,
      fromMs: query.from,
      toMs: query.to,
      q: query.q,
      after,
      limit: query.limit,
    });
  });

  app.get('/api/v1/alerts/:id', async (request) => {
    await authenticateAdmin(store, request);
    const { id } = parseRequest(alertParams, request.params, 'params');
    const alert = await store.alerts.get(id);
    if (!alert) throw new ApiError('ALERT_NOT_FOUND', { id });
    return { ...alert, statusHistory: await store.alerts.history(id) };
  });

  app.patch('/api/v1/alerts/:id', async (request) => {
    const tokenName = await authenticateAdmin(store, request);
    const { id } = parseRequest(alertParams, request.params, 'params');
    const body = parseRequest(patchAlertBody, request.body, 'body');

    const by = body.by ?? tokenName;
    const alert = await store.health.track(() =>
      store.alerts.setStatus(id, body.status, by, body.reason, Date.now()),
    );
    if (!alert) throw new ApiError('ALERT_NOT_FOUND', { id });
    context.logger.info(
      {
        alertId: id,
        alertType: alert.alertType,
        cluster: alert.cluster,
        status: body.status,
      },
      'alert status changed',
    );
    return alert;
  });
}
