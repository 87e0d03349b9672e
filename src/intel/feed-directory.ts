import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import {
  type FeedDefinition,
  type FeedState,
  feedDefinitionSchema,
  feedStateSchema,
} from './feed-definition.js';
import { MAX_FEED_BYTES, readIntelFile } from './read-intel-file.js';

const feedsFileSchema = z.strictObject({
  feeds: z.array(feedDefinitionSchema),
});

/** Write through a temporary file and a rename, so readers never see half. */
function writeAtomic(path: string, data: string | Buffer): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, data);
  renameSync(temporary, path);
}

/**
 * The feeds `vigil intel load` stored under `DATA_DIR/intel/`:
 * `feeds.json` with their definitions, and per feed the last good copy
 * (`feeds/NAME.data`) and what its last load or refresh left
 * (`feeds/NAME.state.json`).
 */
export class FeedDirectory {
  readonly root: string;
  private readonly feedsDir: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'intel');
    this.feedsDir = join(this.root, 'feeds');
  }

  /** Read every stored definition, or none when nothing was loaded. */
  definitions(): FeedDefinition[] {
    const path = join(this.root, 'feeds.json');
    if (!existsSync(path)) return [];
    const data = feedsFileSchema.safeParse(
      JSON.parse(readFileSync(path, 'utf8')),
    );
    if (!data.success) {
      throw new Error(`invalid ${path}: ${data.error.issues[0]?.message}`);
    }
    return data.data.feeds;
  }

  /** Add a definition, or replace the one of the same name. */
  saveDefinition(definition: FeedDefinition): void {
    const others = this.definitions().filter((d) => d.name !== definition.name);
    mkdirSync(this.feedsDir, { recursive: true });
    const feeds = [...others, definition].sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    writeAtomic(
      join(this.root, 'feeds.json'),
      `${JSON.stringify({ feeds }, null, 2)}\n`,
    );
  }

  /** Forget a feed and its files; false when there was none. */
  remove(name: string): boolean {
    const definitions = this.definitions();
    const kept = definitions.filter((d) => d.name !== name);
    if (kept.length === definitions.length) return false;
    writeAtomic(
      join(this.root, 'feeds.json'),
      `${JSON.stringify({ feeds: kept }, null, 2)}\n`,
    );
    rmSync(this.copyPath(name), { force: true });
    rmSync(this.statePath(name), { force: true });
    return true;
  }

  state(name: string): FeedState | undefined {
    const path = this.statePath(name);
    if (!existsSync(path)) return undefined;
    return feedStateSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  }

  writeState(name: string, state: FeedState): void {
    mkdirSync(this.feedsDir, { recursive: true });
    writeAtomic(this.statePath(name), `${JSON.stringify(state, null, 2)}\n`);
  }

  /** Read the last good copy of a feed, if one is stored. */
  readCopy(name: string): string | undefined {
    const path = this.copyPath(name);
    return existsSync(path) ? readIntelFile(path, MAX_FEED_BYTES) : undefined;
  }

  writeCopy(name: string, body: Buffer): void {
    mkdirSync(this.feedsDir, { recursive: true });
    writeAtomic(this.copyPath(name), body);
  }

  copyPath(name: string): string {
    return join(this.feedsDir, `${name}.data`);
  }

  private statePath(name: string): string {
    return join(this.feedsDir, `${name}.state.json`);
  }
}
