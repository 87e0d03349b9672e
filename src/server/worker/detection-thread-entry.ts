import { parentPort, workerData } from 'node:worker_threads';
import { loadRulePack } from '../../engine/load-rules.js';
import { defaultRulePackDir } from '../../engine/rule-pack-dir.js';
import { IndicatorStore } from '../../intel/indicator-store.js';
import { Store } from '../../store/store.js';
import { createLogger } from '../create-logger.js';
import type {
  DetectionThreadData,
  FromDetectionThread,
  ToDetectionThread,
} from './detection-thread-messages.js';
import { DetectionWorker } from './detection-worker.js';

/**
 * Runs the detection thread with its own store connection and engine, so
 * that detection uses a second core beside the HTTP thread.
 */
async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('detection-thread-entry runs only as a worker');
  const data = workerData as DetectionThreadData;
  const send = (message: FromDetectionThread) => port.postMessage(message);

  const logger = createLogger(data.logLevel);
  const pack = loadRulePack(data.rulesDir ?? defaultRulePackDir());
  const store = await Store.open(data);
  // The main thread's /readyz reports this thread's writes too. Error
  // objects lose their code through postMessage, so code and message go
  // as strings.
  store.health.onChange((event) => {
    if (event.type === 'recovered') {
      send({ type: 'storage', diskFull: false });
      return;
    }
    const { code, message } = event.error as {
      code?: unknown;
      message?: unknown;
    };
    send({
      type: 'storage',
      diskFull: true,
      code: String(code),
      message: String(message),
    });
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
    (delta) => send({ type: 'metrics', delta }),
    IndicatorStore.fromJSON(data.intel),
  );

  port.on('message', (message: ToDetectionThread) => {
    if (message.type === 'queued') {
      worker.discard(message.discarded);
      worker.handOff(message.rows);
      return;
    }
    if (message.type === 'normalize') {
      const { id, body, cluster, maxEventBytes } = message;
      const result = worker.normalize(id, body, cluster, maxEventBytes);
      send({ type: 'normalized', id, result });
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
