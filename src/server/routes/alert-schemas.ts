import { z } from 'zod';
import { SEVERITIES } from '../../engine/rule-schema.js';

const STATUSES = ['active', 'resolved', 'dismissed'] as const;

const time = z
  .string()
  .refine(
    (text) => !Number.isNaN(Date.parse(text)),
    'expected an ISO 8601 time',
  )
  .transform((text) => Date.parse(text));

/** Query of `GET /api/v1/alerts`. */
export const listAlertsQuery = z.strictObject({
  cluster: z.string().min(1).max(253).optional(),
  severity: z.enum(SEVERITIES).optional(),
  minSeverity: z.enum(SEVERITIES).optional(),
  alertType: z.string().min(1).max(200).optional(),
  status: z.enum(STATUSES).optional(),
  from: time.optional(),
  to: time.optional(),
  q: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).max(1000).optional(),
});

/** Path parameters naming one alert. */
export const alertParams = z.strictObject({
  id: z.string().min(1).max(200),
});

/** Body of `PATCH /api/v1/alerts/:id`. */
export const patchAlertBody = z.strictObject({
  status: z.enum(STATUSES),
  reason: z.string().trim().min(1, 'a reason is required').max(2000),
  by: z.string().trim().min(1).max(200).optional(),
});
