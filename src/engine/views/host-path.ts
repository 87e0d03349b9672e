import { posix } from 'node:path';

/**
 * Spell a host path the one way that comparisons use: absolute, `.` and
 * `..` resolved, repeated and trailing slashes removed, and `/var/run` as
 * `/run`, which it links to on every current distribution.
 */
export function canonicalHostPath(path: string): string {
  let canonical = posix.resolve('/', path);
  if (canonical === '/var/run' || canonical.startsWith('/var/run/')) {
    canonical = canonical.slice('/var'.length);
  }
  return canonical;
}

/** True when `path` is `ancestor` or lies below it. */
export function isWithin(path: string, ancestor: string): boolean {
  if (ancestor === '/') return true;
  return path === ancestor || path.startsWith(`${ancestor}/`);
}
