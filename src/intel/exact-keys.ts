import { parseImageReference } from '../engine/predicates/image-reference.js';
import { normalizeDomain, normalizeUrl } from './normalize-indicator.js';

/** Longest value looked up; longer values match nothing. */
export const MAX_LOOKUP_LENGTH = 2048;

function domainSuffixes(domain: string, into: string[]): void {
  // `a.b.example.com` is looked up as itself, then each parent domain,
  // so a listed domain covers its subdomains.
  let rest = domain;
  for (;;) {
    into.push(rest);
    const dot = rest.indexOf('.');
    if (dot < 0 || rest.indexOf('.', dot + 1) < 0) return;
    rest = rest.slice(dot + 1);
  }
}

function imageKeys(value: string, into: string[]): void {
  if (/\s/.test(value)) return;
  const { repository, tag, digest } = parseImageReference(value);
  if (repository.endsWith('/')) return;
  if (digest) {
    const lower = digest.toLowerCase();
    into.push(`${repository}@${lower}`, lower);
  }
  // An image named without tag or digest is pulled as `latest`.
  into.push(`${repository}:${tag || (digest ? '' : 'latest')}`, repository);
}

/**
 * The spellings under which exact indicators may list a value that is not
 * an address: the value in lower case (hashes, AS numbers), the domain and
 * its parents, the normalized URL and its host, and an image's
 * repository with its tag or digest. `host` receives a URL's host so that
 * the caller can look it up as an address.
 */
export function exactKeysOf(value: string): { keys: string[]; host?: string } {
  const keys: string[] = [];
  const lower = value.toLowerCase();
  keys.push(lower);
  if (lower.includes('://')) {
    const url = normalizeUrl(value);
    if (!url) return { keys };
    keys.push(url);
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    const domain = normalizeDomain(host);
    if (domain) domainSuffixes(domain, keys);
    return { keys, host };
  }
  const domain = normalizeDomain(value);
  if (domain) domainSuffixes(domain, keys);
  if (lower.includes('/') || lower.includes('@') || lower.includes(':')) {
    imageKeys(value, keys);
  }
  return { keys };
}
