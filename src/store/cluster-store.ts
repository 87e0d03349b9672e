import type { Kysely } from 'kysely';
import type { ClusterTable, VigilDatabase } from './schema.js';

/** An enrolled cluster, without its token hash. */
export interface Cluster {
  name: string;
  /** Enrolment time: events before it are counted and never alerted. */
  enrolledMs: number;
  /** When the token was revoked; null while it works. */
  revokedMs: number | null;
}

function toCluster(row: ClusterTable): Cluster {
  return {
    name: row.name,
    enrolledMs: row.enrolled_ms,
    revokedMs: row.revoked_ms,
  };
}

/** Clusters and their ingest token hashes. */
export class ClusterStore {
  constructor(private readonly db: Kysely<VigilDatabase>) {}

  /** Adds a cluster; returns undefined when the name is taken. */
  async add(
    name: string,
    tokenHash: string,
    enrolledMs: number,
  ): Promise<Cluster | undefined> {
    const row: ClusterTable = {
      name,
      token_hash: tokenHash,
      enrolled_ms: enrolledMs,
      revoked_ms: null,
    };
    const inserted = await this.db
      .insertInto('clusters')
      .values(row)
      .onConflict((oc) => oc.column('name').doNothing())
      .returning('name')
      .executeTakeFirst();
    return inserted ? toCluster(row) : undefined;
  }

  /** Lists every cluster by name. */
  async list(): Promise<Cluster[]> {
    const rows = await this.db
      .selectFrom('clusters')
      .selectAll()
      .orderBy('name')
      .execute();
    return rows.map(toCluster);
  }

  /** Returns the cluster of that name, revoked or not. */
  async get(name: string): Promise<Cluster | undefined> {
    const row = await this.db
      .selectFrom('clusters')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return row ? toCluster(row) : undefined;
  }

  /** Returns the cluster whose token has this hash, revoked or not. */
  async findByTokenHash(tokenHash: string): Promise<Cluster | undefined> {
    const row = await this.db
      .selectFrom('clusters')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row ? toCluster(row) : undefined;
  }

  /** Revokes the cluster's token; returns false for an unknown name. */
  async revoke(name: string, nowMs: number): Promise<boolean> {
    const result = await this.db
      .updateTable('clusters')
      .set({ revoked_ms: nowMs })
      .where('name', '=', name)
      .where('revoked_ms', 'is', null)
      .executeTakeFirst();
    if (result.numUpdatedRows > 0n) return true;
    return (await this.get(name)) !== undefined;
  }

  /**
   * Removes the cluster with its source activity and retry keys; returns
   * false for an unknown name. Its alerts stay, as incident records.
   */
  async remove(name: string): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const result = await tx
        .deleteFrom('clusters')
        .where('name', '=', name)
        .executeTakeFirst();
      await tx
        .deleteFrom('source_activity')
        .where('cluster', '=', name)
        .execute();
      await tx
        .deleteFrom('ingest_seen_batches')
        .where('cluster', '=', name)
        .execute();
      await tx.deleteFrom('agents').where('cluster', '=', name).execute();
      return result.numDeletedRows > 0n;
    });
  }
}
