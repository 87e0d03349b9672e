import { canonicalHostPath, isWithin } from '../views/host-path.js';
import {
  onlyArgs,
  type PredicateDefinition,
  stringArg,
} from './predicate-registry.js';

/**
 * Decide whether a canonical host path exposes a sensitive one: it is a
 * sensitive path, lies below one, or is a parent of one (mounting `/var`
 * reaches `/var/lib/kubelet`). Paths on the benign list, and below them,
 * are exempt even when they lie below a sensitive path.
 */
export function exposesSensitivePath(
  canonical: string,
  sensitive: readonly string[],
  benign: readonly string[],
): boolean {
  if (benign.some((path) => isWithin(canonical, path))) return false;
  return sensitive.some(
    (path) => isWithin(canonical, path) || isWithin(path, canonical),
  );
}

export const HOST_PATH_PREDICATES: PredicateDefinition[] = [
  {
    name: 'sensitive-host-path',
    description:
      'The current hostPath item is, lies below, or is a parent of a path ' +
      'on the `sensitive` list, and is not on the `benign` list.',
    compile(args, env) {
      onlyArgs(args, ['sensitive', 'benign']);
      const sensitive = env
        .list(stringArg(args, 'sensitive'))
        .map(canonicalHostPath);
      const benign = args.benign
        ? env.list(stringArg(args, 'benign')).map(canonicalHostPath)
        : [];
      return (item) => {
        const canonical = (item as { canonical?: unknown }).canonical;
        if (typeof canonical !== 'string') return false;
        return exposesSensitivePath(canonical, sensitive, benign);
      };
    },
  },
];
