import type { VigilEvent } from '../sources/event.js';
import type { CompiledRule } from './compile-rule.js';
import { ProcessRuleIndex } from './process-rule-index.js';
import type { RuleScope } from './rule-schema.js';

/** An indexed item: a rule, or a record that carries a rule's scope. */
export interface Scoped {
  readonly scope: RuleScope;
}

/** Most distinct resource and verb pairs whose rule lists are cached. */
const MAX_CACHED_KEYS = 4096;

const DEFAULT_SKIPPED_STAGE = 'RequestReceived';

function scopeMatches(
  rule: Scoped,
  resource: string,
  subresource: string,
  verb: string,
): boolean {
  const { resources, verbs } = rule.scope;
  if (verbs && !verbs.includes(verb)) return false;
  if (!resources) return true;
  const key = subresource ? `${resource}/${subresource}` : resource;
  return (
    resources.includes(key) ||
    (subresource !== '' && resources.includes(`${resource}/*`))
  );
}

/**
 * Finds the rules that can match an event, so that each event meets only
 * those. Audit events are keyed by resource, subresource and verb; the
 * rule list for each key is computed once and cached, up to
 * MAX_CACHED_KEYS keys because hostile input can invent any number.
 * Process events meet the rules without `commands` and the rules that
 * name one of the event's command names (see ProcessRuleIndex).
 */
export class RuleIndex<T extends Scoped = CompiledRule> {
  private readonly byKind = new Map<string, T[]>();
  /** Audit rule lists by resource, then subresource, then verb. */
  private readonly cache = new Map<string, Map<string, Map<string, T[]>>>();
  private cachedKeys = 0;
  private readonly processRules: ProcessRuleIndex<T>;

  constructor(rules: readonly T[]) {
    for (const rule of rules) {
      const kinds = rule.scope.kind;
      for (const kind of Array.isArray(kinds) ? kinds : [kinds]) {
        const list = this.byKind.get(kind) ?? [];
        list.push(rule);
        this.byKind.set(kind, list);
      }
    }
    this.processRules = new ProcessRuleIndex(this.byKind.get('process') ?? []);
  }

  /** The rules whose scope admits the event. */
  candidates(event: VigilEvent): readonly T[] {
    if (event.kind === 'process') return this.processRules.candidates(event);
    const rules = this.byKind.get(event.kind);
    if (!rules) return [];
    if (event.kind !== 'k8s-audit') return rules;

    const { objectRef, verb } = event.audit;
    const resource = objectRef?.resource ?? '';
    const subresource = objectRef?.subresource ?? '';
    // Nested maps spare building a joined key string for every event.
    const byResource = this.cache.get(resource);
    const cached = byResource?.get(subresource)?.get(verb);
    if (cached) return cached;

    const matching = rules.filter((rule) =>
      scopeMatches(rule, resource, subresource, verb),
    );
    if (this.cachedKeys < MAX_CACHED_KEYS) {
      this.cachedKeys++;
      const resources = byResource ?? new Map();
      this.cache.set(resource, resources);
      const verbs = resources.get(subresource) ?? new Map();
      resources.set(subresource, verbs);
      verbs.set(verb, matching);
    }
    return matching;
  }
}

/**
 * Build the cheap per-event checks of a rule's scope (users, username
 * prefixes, impersonation), or undefined when its scope has none. The
 * engine runs it before the condition, so rules that look at every
 * request cost one comparison on the requests they cannot match.
 */
export function compileScopeCheck(
  rule: Scoped,
): ((event: VigilEvent) => boolean) | undefined {
  const { users, userPrefixes, impersonated } = rule.scope;
  if (!users && !userPrefixes && !impersonated) return undefined;
  const exact = users ? new Set(users) : undefined;
  return (event) => {
    if (event.kind !== 'k8s-audit') return false;
    const { user, impersonatedUser } = event.audit;
    if (impersonated && impersonatedUser === undefined) return false;
    if (exact && !exact.has(user.username)) return false;
    if (
      userPrefixes &&
      !userPrefixes.some((p) => user.username.startsWith(p))
    ) {
      return false;
    }
    return true;
  };
}

/** True when the rule evaluates events of this audit stage. */
export function stageAdmitted(rule: Scoped, stage: string): boolean {
  const stages = rule.scope.stages;
  return stages ? stages.includes(stage) : stage !== DEFAULT_SKIPPED_STAGE;
}
