import { isObject } from '../views/object-after.js';
import { canonicalRepository, parseImageReference } from './image-reference.js';
import {
  onlyArgs,
  type PredicateDefinition,
  stringArg,
} from './predicate-registry.js';

/** Tests a canonical repository such as `docker.io/library/nginx`. */
export type RepositoryMatcher = (repository: string) => boolean;

/**
 * Compile one list entry. An entry that ends with `/`, such as
 * `registry.k8s.io/`, is a prefix and matches every repository below it.
 * Any other entry is one repository and matches it with any tag or
 * digest. `*` matches one part of a host name or path, so it never
 * crosses `.` or `/`. Entries are canonicalized like images, so
 * `calico/` means `docker.io/calico/`.
 */
export function compileRepositoryEntry(entry: string): RepositoryMatcher {
  const isPrefix = entry.endsWith('/');
  const name = isPrefix ? entry.slice(0, -1) : entry;
  if (name === '' || name.includes('@') || /:[^/]*$/.test(name)) {
    throw new Error(
      `list entry ${JSON.stringify(entry)} must be a repository or a ` +
        'prefix ending in /, without tag or digest',
    );
  }
  // A prefix keeps its slash so that a lone host stays a host.
  const canonical = canonicalRepository(isPrefix ? entry : name);
  const pattern = canonical
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^./]+');
  const regex = new RegExp(`^${pattern}${isPrefix ? '' : '$'}`);
  return (repository) => regex.test(repository);
}

export const IMAGE_PREDICATES: PredicateDefinition[] = [
  {
    name: 'image-in-list',
    description:
      'The current container item has an image whose repository is on, ' +
      'or lies below a prefix on, the list `args.list`.',
    compile(args, env) {
      onlyArgs(args, ['list']);
      const matchers = env
        .list(stringArg(args, 'list'))
        .map(compileRepositoryEntry);
      return (item) => {
        if (!isObject(item) || typeof item.image !== 'string') return false;
        const { repository } = parseImageReference(item.image);
        return matchers.some((matches) => matches(repository));
      };
    },
  },
];
