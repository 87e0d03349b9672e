import { createHash, randomBytes } from 'node:crypto';

/** Bytes of randomness in a generated token. */
const TOKEN_BYTES = 32;

/** Generates a random bearer token: 32 bytes, base64url-encoded. */
export function generateToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/**
 * Returns the SHA-256 hash of a token, in hex. Only hashes are stored;
 * tokens are looked up by hash, so no comparison leaks timing about the
 * stored value.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
