import { parentPort, workerData } from 'node:worker_threads';
import { loadRulePack } from '../../engine/load-rules.js';
import { defaultRulePackDir } from '../../engine/rule-pack-dir.js';
import { IndicatorStore } from '../../intel/indicator-store.js';
import { Store } from '../../store/store.js';
import { createLogger } from '../create-logger.js';
import type { DetectionOutcome } from './detection-outcome.js';
import type {
  DetectionThreadData,
  FromDetectionThread,
  ToDetectionThread,
} from './detection-thread-messages.js';
import { DetectionWorker } from './detection-worker.js';

/**
 * Runs the detection thread with its own engine, so that detection uses
 * a second core beside the HTTP thread. Its store connection only reads
 * the queue and the stored retry keys.
 */
async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('detection-thread-entry runs only as a worker');
  const data = workerData as DetectionThreadData;
  const send = (message: FromDetectionThread) => port.postMessage(message);

  const logger = createLogger(data.logLevel);
  const pack = loadRulePack(data.rulesDir ?? defaultRulePackDir());
  const store = await Store.open(data);
  // Outcomes go to the main thread, which writes them in order with the
  // webhook's own writes, so that one thread holds the write lock.
  let nextOutcomeId = 1;
  const storing = new Map<number, () => void>();
  const sink = (outcome: DetectionOutcome) =>
    new Promise<void>((resolve) => {
      const id = nextOutcomeId++;
      storing.set(id, resolve);
      send({ type: 'outcome', id, outcome });
    });
  const worker = new DetectionWorker(
    store,
    pack,
    logger,
    {
      batchRows: 64,
      idleMs: 250,
      retryMs: 1000,
      dedupeWindowMs: data.dedupeWindowSeconds * 1000,
      maxRetryKeys: data.maxRetryKeys,
    },
    sink,
    IndicatorStore.fromJSON(data.intel),
  );

  port.on('message', (message: ToDetectionThread) => {
    if (message.type === 'ingest') {
      const result = worker.ingest(message);
      send({ type: 'ingested', id: message.id, result });
      return;
    }
    if (message.type === 'queued') {
      worker.discard(message.discarded);
      worker.handOff(message.rows);
      return;
    }
    if (message.type === 'stored') {
      storing.get(message.id)?.();
      storing.delete(message.id);
      return;
    }
    if (message.type === 'intel') {
      worker.setIntel(IndicatorStore.fromJSON(message.intel));
      return;
    }
    void worker.drain(message.timeoutMs).then(async (drained) => {
      await store.close();
      send({ type: 'drained', drained });
      port.close();
    });
  });
  worker.start();
  send({ type: 'started' });
}

await main();
