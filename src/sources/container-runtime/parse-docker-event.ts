import { z } from 'zod';

/** A container event from the runtime's `/events` stream. */
export interface DockerEvent {
  /** The action's first word: create, start, die, exec_start… */
  action: string;
  /** What follows `:` in the action, such as the command of exec_start. */
  detail: string;
  containerId: string;
  attributes: Record<string, string>;
  timeMs: number;
}

const eventSchema = z.object({
  Type: z.string().optional(),
  Action: z.string().max(4096).optional(),
  status: z.string().max(4096).optional(),
  id: z.string().max(256).optional(),
  Actor: z
    .object({
      ID: z.string().max(256).optional(),
      Attributes: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  time: z.number().optional(),
  timeNano: z.number().optional(),
});

/**
 * Parses one line of the Docker Engine `/events` stream. Container events
 * are read from `Action` and `Actor` (API 1.22 and later) or from the
 * legacy `status`, `id` and `from`. Returns a reason string for a line
 * that is not JSON or not a container event.
 */
export function parseDockerEvent(line: string): DockerEvent | string {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return 'invalid JSON';
  }
  const parsed = eventSchema.safeParse(json);
  if (!parsed.success) return 'not a Docker event';
  const event = parsed.data;
  if (event.Type !== undefined && event.Type !== 'container') {
    return `not a container event (${event.Type.slice(0, 40)})`;
  }

  const raw = event.Action ?? event.status;
  const containerId = event.Actor?.ID ?? event.id;
  if (!raw || !containerId) return 'missing action or container id';
  const colon = raw.indexOf(':');
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.Actor?.Attributes ?? {})) {
    if (typeof value === 'string') attributes[key] = value.slice(0, 4096);
  }
  const timeMs =
    event.timeNano !== undefined
      ? Math.floor(event.timeNano / 1e6)
      : (event.time ?? 0) * 1000;
  return {
    action: (colon === -1 ? raw : raw.slice(0, colon)).trim(),
    detail: colon === -1 ? '' : raw.slice(colon + 1).trim(),
    containerId,
    attributes,
    timeMs,
  };
}
