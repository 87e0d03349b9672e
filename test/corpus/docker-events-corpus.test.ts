import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDockerEvent } from '../../src/sources/container-runtime/parse-docker-event.js';

function corpusDirectory(): string {
  const directory = process.env.VIGIL_CORPUS;
  if (directory === undefined || directory === '') {
    throw new Error('VIGIL_CORPUS is not set: set it to the corpus folder');
  }
  if (!existsSync(directory)) {
    throw new Error(`VIGIL_CORPUS folder not found: ${directory}`);
  }
  return directory;
}

describe('docker events corpus', () => {
  it('reads the Wazuh container events', () => {
    const path = join(
      corpusDirectory(),
      'docker-events/wazuh-docker-events.jsonl',
    );
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    const results = lines.map((line) => parseDockerEvent(line));
    const actions = results.map((r) => (typeof r === 'string' ? r : r.action));
    expect(actions).toEqual([
      'create',
      'start',
      'exec_start',
      'not a container event (volume)',
      'not a container event (volume)',
      'not a container event (network)',
      'not a container event (network)',
      'not a container event (image)',
      'pause',
      'unpause',
      'stop',
      'die',
      'destroy',
      'delete',
    ]);
    const exec = results[2];
    expect(typeof exec === 'string' ? exec : exec?.detail).toBe('bash');
    expect(typeof exec === 'string' ? 0 : exec?.timeMs).toBeGreaterThan(0);
    const create = results[0];
    expect(typeof create === 'string' ? '' : create?.attributes.name).toBe(
      'wazuh-test-container',
    );
  });
});
