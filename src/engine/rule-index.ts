import type { VigilEvent } from '../sources/event.js';
import type { CompiledRule } from './compile-rule.js';

/** Most distinct resource and verb pairs whose rule lists are cached. */
const MAX_CACHED_KEYS = 4096;

const DEFAULT_SKIPPED_STAGE = 'RequestReceived';

function scopeMatches(
  rule: CompiledRule,
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
 */
export class RuleIndex {
  private readonly byKind = new Map<string, CompiledRule[]>();
  private readonly cache = new Map<string, CompiledRule[]>();

  constructor(rules: readonly CompiledRule[]) {
    for (const rule of rules) {
      const list = this.byKind.get(rule.scope.kind) ?? [];
      list.push(rule);
      this.byKind.set(rule.scope.kind, list);
    }
  }

  /** The rules whose scope admits the event. */
  candidates(event: VigilEvent): readonly CompiledRule[] {
    const rules = this.byKind.get(event.kind);
    if (!rules) return [];
    if (event.kind !== 'k8s-audit') return rules;

    const { objectRef, verb } = event.audit;
    const resource = objectRef?.resource ?? '';
    const subresource = objectRef?.subresource ?? '';
    const key = `${resource}\u0000${subresource}\u0000${verb}`;
    let matching = this.cache.get(key);
    if (!matching) {
      matching = rules.filter((rule) =>
        scopeMatches(rule, resource, subresource, verb),
      );
      if (this.cache.size < MAX_CACHED_KEYS) this.cache.set(key, matching);
    }
    return matching;
  }
}

/** True when the rule evaluates events of this audit stage. */
export function stageAdmitted(rule: CompiledRule, stage: string): boolean {
  const stages = rule.scope.stages;
  return stages ? stages.includes(stage) : stage !== DEFAULT_SKIPPED_STAGE;
}
