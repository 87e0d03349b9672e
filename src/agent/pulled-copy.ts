import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerClient } from './server-client.js';

/**
 * A document the agent pulls from the server (rule pack, intelligence)
 * and keeps on disk. `refresh` requests it with the stored ETag. A new
 * answer is kept only when `accept` takes it, so a bad copy never
 * replaces the last good one.
 */
export class PulledCopy<T> {
  private etag: string | undefined;

  constructor(
    private readonly client: ServerClient,
    private readonly path: string,
    private readonly dir: string,
    readonly name: string,
    private readonly accept: (body: unknown) => T,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** Loads the last good copy from disk, if one was stored. */
  loadStored(): T | undefined {
    try {
      const stored = JSON.parse(
        readFileSync(join(this.dir, `${this.name}.json`), 'utf8'),
      );
      const value = this.accept(stored.body);
      this.etag = stored.etag;
      return value;
    } catch {
      return undefined;
    }
  }

  /** Asks the server; returns the new value, or undefined when unchanged. */
  async refresh(): Promise<T | undefined> {
    const answer = await this.client.getIfChanged(this.path, this.etag);
    if (!answer) return undefined;
    const value = this.accept(answer.body);
    const file = join(this.dir, `${this.name}.json`);
    writeFileSync(
      `${file}.tmp`,
      JSON.stringify({ etag: answer.etag, body: answer.body }),
    );
    renameSync(`${file}.tmp`, file);
    this.etag = answer.etag;
    return value;
  }
}
