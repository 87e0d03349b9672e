import { createHash } from 'node:crypto';
import type { CompiledRule } from '../engine/compile-rule.js';
import type { VigilEvent } from '../sources/event.js';
import type { Alert, AlertEntities, AlertEvidence } from './alert.js';
import { trimEvidence } from './trim-evidence.js';

/** Events kept as evidence in one alert: the first ones and the latest. */
export const MAX_EVIDENCE = 5;

/** One match of a rule, before aggregation. */
export interface Occurrence {
  rule: CompiledRule;
  event: VigilEvent;
  entities: AlertEntities;
  description: string;
  remediation: string;
}

interface OpenAlert {
  alert: Alert;
  windowEndMs: number;
}

export interface AggregatorOptions {
  /** Open alerts kept at once; the least recently updated close first. */
  maxOpen: number;
  /** Receives every alert whose window ended or that was pushed out. */
  onClose: (alert: Alert) => void;
}

function evidenceOf(event: VigilEvent): AlertEvidence {
  const body = evidenceBodyOf(event);
  const origin = event.origin.file
    ? `${event.origin.file}:${event.origin.line ?? 0}`
    : event.origin.format;
  return {
    eventId: event.id,
    time: event.time,
    origin,
    body: trimEvidence(body),
  };
}

/** The source-specific part of an event, which evidence keeps. */
function evidenceBodyOf(event: VigilEvent): unknown {
  switch (event.kind) {
    case 'k8s-audit':
      return event.audit;
    case 'process':
      return { process: event.process };
    case 'file':
      return { process: event.process, file: event.file };
    case 'network':
      return { process: event.process, network: event.network };
    case 'container':
      return { container: event.container, runtime: event.runtime };
    case 'flow':
      return { flow: event.flow };
  }
}

function aggregationKey(occurrence: Occurrence): string {
  const { rule, event, entities } = occurrence;
  const parts: unknown[] = [rule.id, event.cluster];
  for (const field of rule.aggregateBy) {
    parts.push(entities[field as keyof AlertEntities] ?? null);
  }
  return JSON.stringify(parts);
}

/**
 * Folds repeats of one alert type on the same entities, within the rule's
 * window from the first occurrence, into one alert with a count and first
 * and last times.
 */
export class Aggregator {
  private readonly open = new Map<string, OpenAlert>();

  constructor(private readonly options: AggregatorOptions) {}

  get size(): number {
    return this.open.size;
  }

  /** Add an occurrence; returns the new or updated alert. */
  add(occurrence: Occurrence): Alert {
    const key = aggregationKey(occurrence);
    const { event } = occurrence;
    const existing = this.open.get(key);
    if (existing && event.timeMs <= existing.windowEndMs) {
      this.open.delete(key);
      this.open.set(key, existing);
      return this.update(existing.alert, event);
    }
    if (existing) this.close(key, existing);

    const alert = this.create(key, occurrence);
    this.open.set(key, {
      alert,
      windowEndMs: event.timeMs + occurrence.rule.windowMs,
    });
    while (this.open.size > this.options.maxOpen) {
      const [oldestKey, oldest] = this.open.entries().next().value as [
        string,
        OpenAlert,
      ];
      this.close(oldestKey, oldest);
    }
    return alert;
  }

  /** Close every alert whose window ended before `watermarkMs`. */
  expire(watermarkMs: number): void {
    for (const [key, entry] of this.open) {
      if (entry.windowEndMs < watermarkMs) this.close(key, entry);
    }
  }

  /** Close every open alert. */
  flush(): void {
    for (const [key, entry] of this.open) this.close(key, entry);
  }

  private close(key: string, entry: OpenAlert): void {
    this.open.delete(key);
    this.options.onClose(entry.alert);
  }

  private create(key: string, occurrence: Occurrence): Alert {
    const { rule, event } = occurrence;
    const id = createHash('sha256')
      .update(`${key}\u0000${event.id}\u0000${event.time}`)
      .digest('hex')
      .slice(0, 32);
    return {
      id,
      alertType: rule.id,
      title: rule.meta.title,
      severity: rule.meta.severity,
      tactics: [...rule.meta.tactics],
      techniques: [...rule.meta.techniques],
      status: 'active',
      startTime: event.time,
      endTime: event.time,
      count: 1,
      cluster: event.cluster,
      entities: occurrence.entities,
      evidence: [evidenceOf(event)],
      description: occurrence.description,
      remediation: occurrence.remediation,
      ruleVersion: rule.meta.version,
    };
  }

  private update(alert: Alert, event: VigilEvent): Alert {
    alert.count += 1;
    if (event.time < alert.startTime) alert.startTime = event.time;
    if (event.time > alert.endTime) alert.endTime = event.time;
    if (alert.evidence.length < MAX_EVIDENCE) {
      alert.evidence.push(evidenceOf(event));
    } else {
      alert.evidence[MAX_EVIDENCE - 1] = evidenceOf(event);
    }
    return alert;
  }
}
