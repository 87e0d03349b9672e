import { Aggregator } from '../alerts/aggregator.js';
import type { Alert } from '../alerts/alert.js';
import type { VigilEvent } from '../sources/event.js';
import { BoundedMap } from './bounded-map.js';
import type { CompiledRule } from './compile-rule.js';
import type { DetectorInstance } from './detectors/detector.js';
import { boundedDetails, entitiesOf, templateValues } from './entities.js';
import { EventContext } from './event-context.js';
import { type IntelLookup, NO_INTEL } from './intel-lookup.js';
import type { RulePack } from './load-rules.js';
import { compileScopeCheck, RuleIndex, stageAdmitted } from './rule-index.js';
import type { RuleScope } from './rule-schema.js';
import { VIEWS } from './views/index.js';

/** Placeholder for the shared context before the first event. */
const NO_EVENT = {
  id: '',
  kind: 'process',
  time: '',
  timeMs: 0,
  cluster: '',
  node: 'unknown',
  container: 'unknown',
  pod: 'unknown',
  origin: { format: 'none' },
  truncated: false,
  process: {
    pid: 0,
    ppid: 0,
    exe: '',
    name: '',
    argv: [],
    cwd: '',
    uid: 0,
    auid: 0,
    ancestors: [],
  },
} as const satisfies VigilEvent;

/** Stages after which the API server logs nothing more of a request. */
const FINAL_STAGES = new Set(['ResponseComplete', 'Panic']);

const NO_ALERTS: readonly Alert[] = Object.freeze([]);

/** Requests remembered to raise each rule once across audit stages. */
const MAX_REMEMBERED_REQUESTS = 100_000;

export interface EngineOptions {
  intel?: IntelLookup;
  /**
   * The time (ms since the epoch) from which a cluster is watched. Events
   * before it are counted and skipped. Undefined means no limit.
   */
  enrolledAt?: (cluster: string) => number | undefined;
  /** Wall clock for exception expiry; Date.now by default. */
  now?: () => number;
  /** Open alerts kept at once; see Aggregator. */
  maxOpenAlerts?: number;
  /** Receives each alert when its aggregation window closes. */
  onClose?: (alert: Alert) => void;
}

/**
 * A rule and what the engine needs to run it, gathered once so that the
 * loop over candidates looks nothing up per rule.
 */
interface RuleRun {
  readonly rule: CompiledRule;
  /** The rule's scope, which the index reads. */
  readonly scope: RuleScope;
  /** The scope's user and impersonation checks, when it has any. */
  readonly inScope: ((event: VigilEvent) => boolean) | undefined;
  /** This engine's state of a stateful rule. */
  readonly detector: DetectorInstance | undefined;
}

/** Counters of what the engine did, for summaries and metrics. */
export interface EngineStats {
  events: number;
  beforeEnrolment: number;
  matches: number;
  repeatsAcrossStages: number;
  /** Matches that an exception suppressed, by rule id and exception. */
  suppressed: Record<string, number>;
  alertsByType: Record<string, number>;
}

/**
 * The detection engine: events in, alerts out, no I/O. Rules are indexed
 * so that each event meets only the rules that can match it. A match
 * passes the exceptions, then the rule's detector if it is stateful, and
 * the aggregator folds it into an alert.
 */
export class Engine {
  readonly stats: EngineStats = {
    events: 0,
    beforeEnrolment: 0,
    matches: 0,
    repeatsAcrossStages: 0,
    suppressed: {},
    alertsByType: {},
  };
  private readonly index: RuleIndex<RuleRun>;
  /** Rules that matched an early stage of a request, by audit ID. */
  private readonly earlyMatches = new BoundedMap<string, CompiledRule[]>(
    MAX_REMEMBERED_REQUESTS,
  );
  private readonly aggregator: Aggregator;
  private readonly intel: IntelLookup;
  private readonly now: () => number;
  private readonly context: EventContext;

  constructor(
    readonly pack: RulePack,
    private readonly options: EngineOptions = {},
  ) {
    this.intel = options.intel ?? NO_INTEL;
    const available = this.intel.categories();
    const rules = pack.rules.filter(
      (rule) =>
        !rule.scope.intel || rule.scope.intel.some((c) => available.has(c)),
    );
    const runs = rules.map(
      (rule): RuleRun => ({
        rule,
        scope: rule.scope,
        inScope: compileScopeCheck(rule),
        detector: rule.createDetector?.(),
      }),
    );
    this.index = new RuleIndex(runs);
    this.now = options.now ?? Date.now;
    this.context = new EventContext(NO_EVENT, VIEWS, this.intel);
    this.aggregator = new Aggregator({
      maxOpen: options.maxOpenAlerts ?? 10_000,
      onClose: options.onClose ?? (() => {}),
    });
  }

  /** Evaluate one event; returns the alerts it opened or updated. */
  process(event: VigilEvent): readonly Alert[] {
    this.stats.events++;
    const enrolled = this.options.enrolledAt?.(event.cluster);
    if (enrolled !== undefined && event.timeMs < enrolled) {
      this.stats.beforeEnrolment++;
      return NO_ALERTS;
    }

    const candidates = this.index.candidates(event);
    if (candidates.length === 0) return NO_ALERTS;
    const stage = event.kind === 'k8s-audit' ? event.audit.stage : '';
    // One context serves every event in turn: process is not reentrant,
    // and nothing keeps a context past the evaluation of its event.
    const context = this.context;
    context.reset(event);
    // Most events raise nothing, so the list is made on the first alert.
    let alerts: Alert[] | undefined;
    for (const run of candidates) {
      if (!stageAdmitted(run, stage)) continue;
      if (run.inScope !== undefined && !run.inScope(event)) continue;
      context.clearCaptures();
      const alert = this.evaluate(run, event, context);
      if (!alert) continue;
      if (alerts === undefined) alerts = [alert];
      else alerts.push(alert);
    }
    return alerts ?? NO_ALERTS;
  }

  /** Close alerts whose aggregation window ended before `timeMs`. */
  expire(timeMs: number): void {
    this.aggregator.expire(timeMs);
  }

  /** Close every open alert, as at the end of a scan. */
  flush(): void {
    this.aggregator.flush();
  }

  private evaluate(
    run: RuleRun,
    event: VigilEvent,
    context: EventContext,
  ): Alert | undefined {
    const rule = run.rule;
    if (!rule.condition(event, context)) return undefined;
    const exception = this.matchingException(rule, event, context);
    if (exception) {
      const key = `${rule.id}/${exception}`;
      this.stats.suppressed[key] = (this.stats.suppressed[key] ?? 0) + 1;
      return undefined;
    }
    if (this.raisedBefore(rule, event)) {
      this.stats.repeatsAcrossStages++;
      return undefined;
    }

    const detector = run.detector;
    let detectorDetails: Record<string, string[]> | undefined;
    if (detector) {
      detectorDetails = detector.observe(event, context);
      if (!detectorDetails) return undefined;
    }

    this.stats.matches++;
    this.stats.alertsByType[rule.id] =
      (this.stats.alertsByType[rule.id] ?? 0) + 1;
    const entities = entitiesOf(event, context);
    if (detectorDetails) {
      entities.details = {
        ...entities.details,
        ...boundedDetails(detectorDetails),
      };
    }
    const values = templateValues(entities, {
      cluster: event.cluster,
      verb: event.kind === 'k8s-audit' ? event.audit.verb : '',
      count: detectorDetails?.observed?.[0] ?? '1',
    });
    return this.aggregator.add({
      rule,
      event,
      entities,
      description: rule.description(values),
      remediation: rule.remediation(values),
    });
  }

  private matchingException(
    rule: CompiledRule,
    event: VigilEvent,
    context: EventContext,
  ): string | undefined {
    for (const exception of rule.exceptions) {
      if (
        exception.expiresMs !== undefined &&
        exception.expiresMs < this.now()
      ) {
        continue;
      }
      if (exception.matches(event, context)) return exception.name;
    }
    return undefined;
  }

  /**
   * True when the rule already matched an earlier stage of this request
   * (same audit ID). Only matches at stages before the final one
   * (RequestReceived, ResponseStarted) are remembered, because only
   * requests logged at those stages meet a rule twice. Most requests are
   * logged once at ResponseComplete, so they cost the set nothing and
   * cannot push out the keys that long-running requests need.
   */
  private raisedBefore(rule: CompiledRule, event: VigilEvent): boolean {
    if (event.kind !== 'k8s-audit') return false;
    // A client may choose its audit ID (the Audit-ID header), so the key
    // is scoped by cluster. The length prefix keeps two pairs from
    // joining into one key.
    const key = `${event.cluster.length}:${event.cluster}${event.id}`;
    const earlier = this.earlyMatches.get(key);
    if (FINAL_STAGES.has(event.audit.stage)) {
      return earlier?.includes(rule) ?? false;
    }
    if (earlier?.includes(rule)) return true;
    if (earlier) earlier.push(rule);
    else this.earlyMatches.set(key, [rule]);
    return false;
  }
}
