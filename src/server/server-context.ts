import type { Logger } from 'pino';
import type { ServerConfig } from '../config/server-config.js';
import type { RulePack } from '../engine/load-rules.js';
import type { Store } from '../store/store.js';
import type { IngestService } from './ingest/ingest-service.js';
import type { ServerIntel } from './intel/server-intel.js';
import type { ServerMetrics } from './server-metrics.js';
import type { DetectionThread } from './worker/detection-thread.js';

/** The configuration, store, metrics and services that routes share. */
export interface ServerContext {
  config: ServerConfig;
  store: Store;
  pack: RulePack;
  metrics: ServerMetrics;
  logger: Logger;
  ingest: IngestService;
  worker: DetectionThread;
  intel: ServerIntel;
  /** True once shutdown began; new requests get 503. */
  closing: boolean;
}
