import type { HostEvent } from '../sources/event.js';
import { parseDuration } from './rule-schema.js';
import { TEST_BASE_TIME } from './test-event-builder.js';

const HOST_KINDS = new Set(['process', 'file', 'network', 'container']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when a rule test event describes host telemetry, not an audit event. */
export function isTestHostEvent(raw: unknown): boolean {
  return (
    isRecord(raw) && typeof raw.kind === 'string' && HOST_KINDS.has(raw.kind)
  );
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function processOf(raw: unknown): Record<string, unknown> {
  const given = isRecord(raw) ? raw : {};
  const argv = Array.isArray(given.argv) ? given.argv : ['/bin/sh'];
  const first = typeof argv[0] === 'string' ? argv[0] : '/bin/sh';
  const exe = typeof given.exe === 'string' ? given.exe : first;
  return {
    pid: 4242,
    ppid: 4200,
    exe,
    name: basename(exe).slice(0, 15),
    argv,
    cwd: '/',
    uid: 0,
    auid: 4294967295,
    ancestors: [],
    ...given,
  };
}

/**
 * Complete a host test event (kind process, file, network or container)
 * with what an agent would attach: an ID, a time, node `aks-node-1`, and
 * a container `web` (image nginx:1.27, not privileged) of pod
 * default/web-7d4b9c6f5-x2x7k. Fields the test sets win; `container:
 * unknown` and `pod: unknown` describe a process on the node itself. A
 * process's `name` defaults to the base name of `exe`, and `exe` to
 * `argv[0]`. `at: 5m` places the event that long after TEST_BASE_TIME.
 */
export function buildTestHostEvent(
  raw: Record<string, unknown>,
  id: string,
  index: number,
): HostEvent {
  const { at, ...fields } = raw;
  const offset = typeof at === 'string' ? parseDuration(at) : index * 1000;
  const timeMs = TEST_BASE_TIME + offset;
  const event: Record<string, unknown> = {
    id,
    time: new Date(timeMs).toISOString(),
    timeMs,
    cluster: 'test',
    node: 'aks-node-1',
    container: {
      id: 'c0ffee'.padEnd(64, '0'),
      name: 'web',
      image: 'nginx:1.27',
      privileged: false,
    },
    pod: {
      namespace: 'default',
      name: 'web-7d4b9c6f5-x2x7k',
      uid: '5f0c2a9e-3b7d-4c1e-8a6f-2d9b0e4c7a31',
      labels: { app: 'web' },
    },
    origin: { format: 'test' },
    truncated: false,
    ...fields,
  };
  if (event.kind !== 'container') event.process = processOf(fields.process);
  return event as unknown as HostEvent;
}
