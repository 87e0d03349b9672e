import { generateToken, hashToken } from '../store/hash-token.js';
import type { Store } from '../store/store.js';

/** The name under which the first admin token is stored. */
export const ADMIN_TOKEN_NAME = 'admin';

/**
 * Makes sure an admin token exists. A token from VIGIL_ADMIN_TOKEN replaces
 * the stored hash of the `admin` token; with none set and none stored, a
 * token is generated. Returns the generated token, which the caller prints
 * once: only its hash is kept.
 */
export async function bootstrapAdminToken(
  store: Store,
  configured: string | undefined,
  nowMs: number,
): Promise<string | undefined> {
  if (configured !== undefined) {
    await store.adminTokens.put(ADMIN_TOKEN_NAME, hashToken(configured), nowMs);
    return undefined;
  }
  if ((await store.adminTokens.count()) > 0) return undefined;

  const token = generateToken();
  await store.adminTokens.put(ADMIN_TOKEN_NAME, hashToken(token), nowMs);
  return token;
}
