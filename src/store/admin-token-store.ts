import type { Kysely } from 'kysely';
import type { VigilDatabase } from './schema.js';

/** Named admin tokens, stored as SHA-256 hashes. */
export class AdminTokenStore {
  constructor(private readonly db: Kysely<VigilDatabase>) {}

  /** Returns the name of the token with this hash. */
  async findName(tokenHash: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('admin_tokens')
      .select('name')
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row?.name;
  }

  /** Returns how many admin tokens exist. */
  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('admin_tokens')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Stores the token hash under `name`, replacing an earlier one. */
  async put(name: string, tokenHash: string, nowMs: number): Promise<void> {
    await this.db
      .insertInto('admin_tokens')
      .values({ name, token_hash: tokenHash, created_ms: nowMs })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ token_hash: tokenHash, created_ms: nowMs }),
      )
      .execute();
  }
}
