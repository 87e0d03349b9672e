/**
 * Compiled getters for field paths. A path is dotted; a key that itself
 * contains dots goes in brackets (`metadata.labels[app.kubernetes.io/name]`).
 * A decimal segment indexes an array. Every segment reads an own property,
 * so keys such as `__proto__` in hostile input never reach the prototype.
 */
export type Getter = (root: unknown) => unknown;

const hasOwn = Object.prototype.hasOwnProperty;

/** Split a field path into its keys, or throw naming the bad path. */
export function parseFieldPath(path: string): string[] {
  const keys: string[] = [];
  let rest = path;
  while (rest.length > 0) {
    if (rest.startsWith('[')) {
      const end = rest.indexOf(']');
      if (end <= 1) throw invalidPath(path);
      keys.push(rest.slice(1, end));
      rest = rest.slice(end + 1);
      if (rest.startsWith('.')) rest = rest.slice(1);
      continue;
    }
    const end = rest.search(/[.[]/);
    const key = end < 0 ? rest : rest.slice(0, end);
    if (key.length === 0) throw invalidPath(path);
    keys.push(key);
    rest = end < 0 ? '' : rest.slice(rest[end] === '.' ? end + 1 : end);
    if (rest.length === 0 && end >= 0 && path.endsWith('.')) {
      throw invalidPath(path);
    }
  }
  if (keys.length === 0) throw invalidPath(path);
  return keys;
}

function invalidPath(path: string): Error {
  return new Error(`invalid field path ${JSON.stringify(path)}`);
}

export function compileGetter(path: string | string[]): Getter {
  const keys = typeof path === 'string' ? parseFieldPath(path) : path;
  if (keys.length === 1) {
    const key = keys[0] as string;
    return (root) => readKey(root, key);
  }
  return (root) => {
    let value = root;
    for (const key of keys) {
      value = readKey(value, key);
      if (value === undefined) return undefined;
    }
    return value;
  };
}

function readKey(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  if (!hasOwn.call(value, key)) return undefined;
  return (value as Record<string, unknown>)[key];
}
