import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';
import type { Cluster } from '../store/cluster-store.js';
import { hashToken } from '../store/hash-token.js';
import type { Store } from '../store/store.js';
import { ApiError } from './error-codes.js';

/** Returns the token of an `Authorization: Bearer` header, if any. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Authenticates an admin request; returns the token's name. Throws
 * AUTH_TOKEN_MISSING or AUTH_TOKEN_INVALID.
 */
export async function authenticateAdmin(
  store: Store,
  request: FastifyRequest,
): Promise<string> {
  const token = bearerToken(request);
  const expected = 'an admin token';
  if (token === undefined)
    throw new ApiError('AUTH_TOKEN_MISSING', { expected });
  const name = await store.adminTokens.findName(hashToken(token));
  if (name === undefined)
    throw new ApiError('AUTH_TOKEN_INVALID', { expected });
  return name;
}

/**
 * Authenticates a cluster's audit webhook: by its bearer token, or, when
 * the server verifies client certificates, by a certificate whose common
 * name is an enrolled cluster. Throws when neither identifies an active
 * cluster.
 */
export async function authenticateCluster(
  store: Store,
  request: FastifyRequest,
  verifiesClientCertificates: boolean,
): Promise<Cluster> {
  const expected = "a cluster's ingest token";
  const token = bearerToken(request);
  let cluster: Cluster | undefined;
  if (token !== undefined) {
    cluster = await store.clusters.findByTokenHash(hashToken(token));
    if (!cluster) throw new ApiError('AUTH_TOKEN_INVALID', { expected });
  } else if (verifiesClientCertificates) {
    const name = certificateCommonName(request);
    if (name !== undefined) cluster = await store.clusters.get(name);
  }

  if (!cluster) throw new ApiError('AUTH_TOKEN_MISSING', { expected });
  if (cluster.revokedMs !== null) {
    throw new ApiError('AUTH_TOKEN_REVOKED', { cluster: cluster.name });
  }
  return cluster;
}

/** Returns the common name of a client certificate that the CA verified. */
function certificateCommonName(request: FastifyRequest): string | undefined {
  const socket = request.raw.socket as Partial<TLSSocket>;
  if (!socket.authorized || !socket.getPeerCertificate) return undefined;
  const certificate = socket.getPeerCertificate();
  // A certificate with several CN attributes lists them in an array.
  const name: unknown = certificate.subject?.CN;
  return typeof name === 'string' ? name : undefined;
}
