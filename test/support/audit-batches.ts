import { readdirSync, readFileSync } from 'node:fs';

const FALCO = new URL(
  '../fixtures/corpus/k8s-audit/falco-trace-files/',
  import.meta.url,
).pathname;

/** An audit event as parsed JSON, whose fields tests rewrite freely. */
// biome-ignore lint/suspicious/noExplicitAny: tests edit nested fields of sample events
export type AuditEventJson = Record<string, any>;

/** One Falco sample file: its key in SAMPLE_ALERTS and its events. */
export interface SampleFile {
  key: string;
  events: Record<string, unknown>[];
}

/** Reads every Falco sample, one audit event per line. */
export function falcoSamples(): SampleFile[] {
  const samples: SampleFile[] = [];
  for (const dir of ['k8s_audit', 'psp']) {
    for (const name of readdirSync(`${FALCO}${dir}`).sort()) {
      if (!name.endsWith('.json')) continue;
      const text = readFileSync(`${FALCO}${dir}/${name}`, 'utf8');
      const events = text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      samples.push({ key: `${dir}/${name}`, events });
    }
  }
  return samples;
}

/**
 * Copies events as a live API server would send them now: timestamps
 * from `startMs` on, 1 ms apart in their original order, and audit IDs
 * made unique with `suffix` so that samples sharing an ID stay distinct.
 */
export function liveCopies(
  events: readonly Record<string, unknown>[],
  startMs: number,
  suffix: string,
): Record<string, unknown>[] {
  return events.map((event, i) => {
    const time = new Date(startMs + i).toISOString().replace('Z', '123Z');
    const copy: Record<string, unknown> = structuredClone(event);
    copy.auditID = `${String(event.auditID)}${suffix}`;
    copy.requestReceivedTimestamp = time;
    copy.stageTimestamp = time;
    if ('timestamp' in copy) copy.timestamp = time;
    return copy;
  });
}

/** Wraps events in the EventList that the webhook backend posts. */
export function eventList(events: readonly unknown[]): string {
  return JSON.stringify({
    kind: 'EventList',
    apiVersion: 'audit.k8s.io/v1',
    metadata: {},
    items: events,
  });
}
