import type { z } from 'zod';
import { ApiError } from './error-codes.js';

/**
 * Validates a request part (query, params or body) with a zod schema;
 * throws REQUEST_INVALID naming the field and the problem.
 */
export function parseRequest<T extends z.ZodType>(
  schema: T,
  value: unknown,
  part: 'query' | 'params' | 'body',
): z.infer<T> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;

  const issue = result.error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  let message = issue?.message ?? 'invalid value';
  if (issue?.code === 'unrecognized_keys') {
    message = `unknown field ${issue.keys.join(', ')}`;
  }
  const where = path ? `${part}.${path}` : part;
  throw new ApiError('REQUEST_INVALID', { reason: `${where}: ${message}` });
}
