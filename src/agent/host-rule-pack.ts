import type { RulePack } from '../engine/load-rules.js';

const HOST_KINDS = new Set(['process', 'file', 'network', 'container']);

/**
 * Keeps the rules that read host events: those whose `on.kind` is a host
 * kind, or a list that names one. Cluster rules stay on the server.
 */
export function hostRulePack(pack: RulePack): RulePack {
  const rules = pack.rules.filter((rule) => {
    const kinds: readonly string[] = Array.isArray(rule.scope.kind)
      ? rule.scope.kind
      : [rule.scope.kind];
    return kinds.some((kind) => HOST_KINDS.has(kind));
  });
  return { rules, lists: pack.lists };
}
