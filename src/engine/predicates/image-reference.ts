/** The parts of a container image reference that list entries compare. */
export interface ImageReference {
  /** Registry host, lower case, `docker.io` when the image names none. */
  registry: string;
  /** Registry and path without tag or digest: `docker.io/library/nginx`. */
  repository: string;
  tag: string;
  digest: string;
}

/**
 * Spell a repository the one way that comparisons use, as container
 * runtimes resolve it. The result is lower case and starts with
 * `docker.io` when the first path component is not a host, because it
 * has no `.` or `:` and is not `localhost`. `index.docker.io` becomes
 * `docker.io`, and a single-component Docker Hub name gains `library/`.
 */
export function canonicalRepository(name: string): string {
  const lower = name.toLowerCase();
  const slash = lower.indexOf('/');
  const first = slash < 0 ? '' : lower.slice(0, slash);
  const isHost =
    first.includes('.') || first.includes(':') || first === 'localhost';
  let registry = isHost ? first : 'docker.io';
  let path = isHost ? lower.slice(slash + 1) : lower;
  if (registry === 'index.docker.io') registry = 'docker.io';
  if (registry === 'docker.io' && path !== '' && !path.includes('/')) {
    path = `library/${path}`;
  }
  return `${registry}/${path}`;
}

/**
 * Parse an image reference such as `nginx:1.27`,
 * `quay.io/cilium/cilium@sha256:…` or `localhost:5000/tool:v1`. A tag is
 * the text after the last `:` that follows the last `/`, so a registry
 * port is never a tag.
 */
export function parseImageReference(image: string): ImageReference {
  let rest = image.trim();
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag = '';
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const repository = canonicalRepository(rest);
  const registry = repository.slice(0, repository.indexOf('/'));
  return { registry, repository, tag, digest };
}
