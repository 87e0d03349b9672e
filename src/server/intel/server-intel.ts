import type { Logger } from 'pino';
import { FeedDirectory } from '../../intel/feed-directory.js';
import type { IndicatorStore } from '../../intel/indicator-store.js';
import { IntelRefresher } from '../../intel/intel-refresher.js';
import { loadIntel } from '../../intel/load-intel.js';
import type { SerializedIntel } from '../../intel/serialized-intel.js';

/** Diagnostics of one load written to the log at most. */
const MAX_LOGGED_DIAGNOSTICS = 20;

/** The intel the server uses now, with its serialized form and hash. */
export interface IntelSnapshot {
  store: IndicatorStore;
  serialized: SerializedIntel;
  /** The quoted content hash, as the ETag of GET /api/v1/agent/intel. */
  etag: string;
  loadedMs: number;
}

/**
 * Holds the server's threat intelligence: the shipped set and the feeds
 * that `vigil intel load` stored in the data directory. An
 * `IntelRefresher` keeps the URL feeds fresh, and each stored update
 * reloads the set and calls `onChange` when its content hash changed.
 */
export class ServerIntel {
  private snapshot: IntelSnapshot;
  private readonly refresher: IntelRefresher;

  constructor(
    private readonly dataDir: string,
    private readonly logger: Logger,
    private readonly onChange: (snapshot: IntelSnapshot) => void,
  ) {
    this.snapshot = this.load();
    this.refresher = new IntelRefresher({
      directory: new FeedDirectory(dataDir),
      logger,
      onUpdate: () => this.reload(),
    });
  }

  /** The intel in use. */
  get current(): IntelSnapshot {
    return this.snapshot;
  }

  /** Starts refreshing the stored URL feeds on their intervals. */
  start(): void {
    this.refresher.start();
  }

  /** Stops refreshing and waits for a refresh in progress. */
  stop(): Promise<void> {
    return this.refresher.stop();
  }

  /**
   * Loads the set again. A load that throws keeps the previous set, so
   * a damaged feed file never leaves the server without intel.
   */
  reload(): void {
    let next: IntelSnapshot;
    try {
      next = this.load();
    } catch (error) {
      this.logger.error({ err: error }, 'intel reload failed, kept last set');
      return;
    }
    if (next.etag === this.snapshot.etag) return;
    this.snapshot = next;
    this.onChange(next);
  }

  private load(): IntelSnapshot {
    const started = performance.now();
    let problems = 0;
    // NOTE: loading runs on the HTTP thread and blocks it while feeds
    // are parsed; the shipped set takes milliseconds, large stored feeds
    // take longer.
    const store = loadIntel({
      files: [],
      includeDefault: true,
      dataDir: this.dataDir,
      onDiagnostic: (problem) => {
        problems++;
        if (problems > MAX_LOGGED_DIAGNOSTICS) return;
        this.logger.warn(
          { file: problem.file, line: problem.line, reason: problem.reason },
          'intel entry unusable',
        );
      },
    });
    const serialized = store.toJSON();
    this.logger.info(
      {
        categories: [...store.categories()],
        problems,
        durationMs: Math.round(performance.now() - started),
      },
      'intel loaded',
    );
    return {
      store,
      serialized,
      etag: `"${serialized.sha256}"`,
      loadedMs: Date.now(),
    };
  }
}
