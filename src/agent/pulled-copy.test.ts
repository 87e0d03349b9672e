import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMarkerRulePack } from '../../test/agent/support/marker-rule-pack.js';
import { hostRulePack } from './host-rule-pack.js';
import { PulledCopy } from './pulled-copy.js';
import { rulePackFromDocument } from './rule-pack-document.js';
import { ServerClient } from './server-client.js';

const packDir = writeMarkerRulePack();
const goodPack = {
  version: 'v1',
  files: {
    'node/agent-marker.yaml': readFileSync(
      join(packDir, 'node/agent-marker.yaml'),
      'utf8',
    ),
  },
};
let served: { etag: string; body: unknown } = { etag: '"v1"', body: goodPack };
let requests: (string | undefined)[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const match = req.headers['if-none-match'];
    requests.push(match);
    if (match === served.etag) {
      res.writeHead(304).end();
      return;
    }
    res.writeHead(200, {
      etag: served.etag,
      'content-type': 'application/json',
    });
    res.end(JSON.stringify(served.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => server.close());

function copy(dir: string) {
  return new PulledCopy(
    new ServerClient(url, 'token'),
    '/api/v1/agent/rule-pack',
    dir,
    'rule-pack',
    (body) => hostRulePack(rulePackFromDocument(body)),
  );
}

describe('PulledCopy of the rule pack', () => {
  it('keeps the last good copy after a bad one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-pull-'));
    requests = [];
    served = { etag: '"v1"', body: goodPack };
    const first = await copy(dir).refresh();
    expect(first?.rules.map((r) => r.id)).toEqual(['TEST_AgentMarker']);

    const pulled = copy(dir);
    expect(pulled.loadStored()?.rules).toHaveLength(1);
    expect(await pulled.refresh()).toBeUndefined();
    expect(requests).toEqual([undefined, '"v1"']);

    served = {
      etag: '"v2"',
      body: { version: 'v2', files: { 'node/bad.yaml': 'id: [' } },
    };
    await expect(pulled.refresh()).rejects.toThrow();
    expect(
      copy(dir)
        .loadStored()
        ?.rules.map((r) => r.id),
    ).toEqual(['TEST_AgentMarker']);
  });

  it('rejects a path outside the pack', () => {
    expect(() =>
      rulePackFromDocument({
        version: 'x',
        files: { '../../etc/cron.d/evil.yaml': 'id: x' },
      }),
    ).toThrow('invalid rule pack path');
  });
});
