import type { ProcessEvent } from '../sources/event.js';
import type { CompiledRule } from './compile-rule.js';
import type { Scoped } from './rule-index.js';
import { commandsOf } from './views/command-list.js';

/** Most distinct sets of command names whose rule lists are cached. */
const MAX_CACHED_KEYS = 4096;

/**
 * Indexes process rules by the command names in their `on.commands`. An
 * event meets the rules that name none (the fallback) and those that name
 * one of its `commandNames`, in pack order. Names compare without case,
 * so that rules testing names with `ignoreCase` can be indexed too. Names come from the same
 * memoized command list that the views read, so indexing parses an
 * event's shell script once for both.
 */
export class ProcessRuleIndex<T extends Scoped = CompiledRule> {
  private readonly fallback: T[] = [];
  private readonly byName = new Map<string, T[]>();
  private readonly order = new Map<T, number>();
  private readonly cache = new Map<string, T[]>();

  constructor(rules: readonly T[]) {
    for (const [i, rule] of rules.entries()) {
      this.order.set(rule, i);
      const names = rule.scope.commands;
      if (!names) {
        this.fallback.push(rule);
        continue;
      }
      for (const name of names.map((n) => n.toLowerCase())) {
        const list = this.byName.get(name) ?? [];
        if (!list.includes(rule)) list.push(rule);
        this.byName.set(name, list);
      }
    }
  }

  /** Look up the rules that can match the event, in pack order. */
  candidates(event: ProcessEvent): readonly T[] {
    // Without named rules there is nothing to look up, so skip parsing.
    if (this.byName.size === 0) return this.fallback;
    const names = [
      ...new Set(commandsOf(event).map((c) => c.name.toLowerCase())),
    ]
      .filter((name) => this.byName.has(name))
      .sort();
    if (names.length === 0) return this.fallback;

    const key = names.join('\u0000');
    const cached = this.cache.get(key);
    if (cached) return cached;
    const found = new Set(this.fallback);
    for (const name of names) {
      for (const rule of this.byName.get(name) ?? []) found.add(rule);
    }
    const matching = [...found].sort(
      (a, b) => (this.order.get(a) ?? 0) - (this.order.get(b) ?? 0),
    );
    if (this.cache.size < MAX_CACHED_KEYS) this.cache.set(key, matching);
    return matching;
  }
}
