import { parseImageReference } from '../engine/predicates/image-reference.js';
import { parseAddressRange } from './address/parse-address-range.js';
import type { IndicatorType } from './indicator.js';

/** A normalized value, with a warning when the input needed fixing. */
export type NormalizedIndicator =
  | { ok: true; type: IndicatorType; value: string; warning?: string }
  | { ok: false; reason: string };

/** Maximum length of an indicator value, in characters. */
export const MAX_INDICATOR_LENGTH = 2048;

const HASH_TYPES: Record<number, IndicatorType> = {
  32: 'md5',
  40: 'sha1',
  64: 'sha256',
};
const HEX = /^[0-9a-f]+$/;
/** A bare image digest, which names an image whatever its repository. */
const IMAGE_DIGEST = /^sha256:[0-9a-f]{64}$/i;
/**
 * A canonical repository, a tag and a digest as the OCI distribution
 * specification spells them: a host, then lower-case path components.
 */
const REPOSITORY = /^[a-z0-9.-]+(:\d+)?(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)+$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const DIGEST =
  /^[A-Za-z][A-Za-z0-9]*(?:[+._-][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
/** A Docker Hub image with a tag and no path, such as `nginx:1.27`. */
const NAME_TAG = /^[a-z0-9][a-z0-9._-]*:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/**
 * The lower-case form of a host name without its trailing dot, or
 * undefined when it is not one: labels of letters, digits, `-` and `_`
 * (which DNS allows and malware uses), at most 253 characters, with at
 * least one dot and a last label that is not all digits. Internationalized names must be given in punycode.
 */
export function normalizeDomain(text: string): string | undefined {
  const domain = text.toLowerCase().replace(/\.$/, '');
  if (domain.length === 0 || domain.length > 253) return undefined;
  const labels = domain.split('.');
  // A numeric last label is a malformed address, never a top-level domain.
  if (labels.length < 2 || /^\d+$/.test(labels.at(-1) as string)) {
    return undefined;
  }
  return labels.every((label) => LABEL.test(label)) ? domain : undefined;
}

/**
 * A URL in the one spelling that lookups compare: scheme and host lower
 * case, default port and fragment removed, path and query kept as
 * written. Undefined when the text is not an absolute URL with a host.
 */
export function normalizeUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.host === '') return undefined;
  url.hash = '';
  return url.href;
}

/**
 * An image reference as lookups compare it: the canonical repository
 * (`docker.io/library/nginx`), with `:tag` or `@digest` when given.
 */
export function normalizeImage(text: string): string | undefined {
  if (/\s/.test(text) || text === '') return undefined;
  if (IMAGE_DIGEST.test(text)) return text.toLowerCase();
  const { repository, tag, digest } = parseImageReference(text);
  if (!REPOSITORY.test(repository)) return undefined;
  if (tag && !TAG.test(tag)) return undefined;
  if (digest && !DIGEST.test(digest)) return undefined;
  if (digest) return `${repository}@${digest.toLowerCase()}`;
  return tag ? `${repository}:${tag}` : repository;
}

function guessType(value: string): IndicatorType | undefined {
  const lower = value.toLowerCase();
  if (/^as\d+$/.test(lower)) return 'asn';
  const hash = HASH_TYPES[lower.length];
  if (hash && HEX.test(lower)) return hash;
  if (lower.includes('://')) return 'url';
  if (IMAGE_DIGEST.test(value)) return 'image';
  if (parseAddressRange(value).ok) return value.includes(':') ? 'ipv6' : 'ipv4';
  if (normalizeDomain(value)) return 'domain';
  if (value.includes('/') || value.includes('@') || NAME_TAG.test(value)) {
    return 'image';
  }
  return undefined;
}

/**
 * Validate one indicator value and spell it the way the store compares
 * it. `type` forces a type; without it the type is guessed from the
 * value: AS numbers, hex of hash length, URLs, addresses and CIDR
 * ranges, domains, then images (a name with `/`, `@` or a `:tag`). A
 * CIDR range with host bits set is kept with them cleared, and the
 * result carries a warning.
 */
export function normalizeIndicator(
  raw: string,
  type?: IndicatorType,
): NormalizedIndicator {
  const value = raw.trim();
  if (value === '') return { ok: false, reason: 'empty value' };
  if (value.length > MAX_INDICATOR_LENGTH) {
    return { ok: false, reason: `value longer than ${MAX_INDICATOR_LENGTH}` };
  }
  const kind = type ?? guessType(value);
  if (kind === undefined) {
    return { ok: false, reason: 'not an address, domain, URL, image or hash' };
  }
  return normalizeAs(value, kind);
}

function normalizeAs(value: string, type: IndicatorType): NormalizedIndicator {
  switch (type) {
    case 'ipv4':
    case 'ipv6': {
      const result = parseAddressRange(value);
      if (!result.ok) return result;
      const { range } = result;
      const family: IndicatorType = range.family === 4 ? 'ipv4' : 'ipv6';
      if (!range.hostBitsSet) {
        return { ok: true, type: family, value: range.text };
      }
      return {
        ok: true,
        type: family,
        value: range.text,
        warning: `host bits set in ${value}, using ${range.text}`,
      };
    }
    case 'domain': {
      const domain = normalizeDomain(value);
      return domain
        ? { ok: true, type, value: domain }
        : { ok: false, reason: 'invalid domain name' };
    }
    case 'url': {
      const url = normalizeUrl(value);
      return url
        ? { ok: true, type, value: url }
        : { ok: false, reason: 'invalid URL' };
    }
    case 'image': {
      const image = normalizeImage(value);
      return image
        ? { ok: true, type, value: image }
        : { ok: false, reason: 'invalid image reference' };
    }
    case 'md5':
    case 'sha1':
    case 'sha256': {
      const hash = value.toLowerCase();
      return HASH_TYPES[hash.length] === type && HEX.test(hash)
        ? { ok: true, type, value: hash }
        : { ok: false, reason: `invalid ${type} hash` };
    }
    case 'asn': {
      const match = /^(?:as)?(\d{1,10})$/i.exec(value);
      return match
        ? { ok: true, type, value: `as${Number(match[1])}` }
        : { ok: false, reason: 'invalid AS number' };
    }
  }
}
