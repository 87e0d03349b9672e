import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FeedDefinition,
  feedDefinitionSchema,
} from './feed-definition.js';
import { FeedDirectory } from './feed-directory.js';
import { IndicatorStoreBuilder } from './indicator-store-builder.js';
import { readStoredFeeds } from './read-stored-feeds.js';
import { isRefreshDue, refreshFeed } from './refresh-feed.js';

/** What the loopback feed server sends next, and what it was asked. */
const server = {
  status: 200,
  body: '192.0.2.10\n198.51.100.0/24\n',
  etag: '"v1"' as string | undefined,
  lastModified: undefined as string | undefined,
  requests: [] as Record<string, string | undefined>[],
};
let http: Server;
let base = '';
const dir = mkdtempSync(join(tmpdir(), 'vigil-intel-'));

beforeAll(async () => {
  http = createServer((request, response) => {
    server.requests.push({
      url: request.url,
      ifNoneMatch: request.headers['if-none-match'],
      ifModifiedSince: request.headers['if-modified-since'],
    });
    const matches =
      server.etag !== undefined &&
      request.headers['if-none-match'] === server.etag;
    const unmodified =
      server.lastModified !== undefined &&
      request.headers['if-modified-since'] === server.lastModified;
    if (server.status === 200 && (matches || unmodified)) {
      response.writeHead(304).end();
      return;
    }
    const headers: Record<string, string> = {};
    if (server.etag) headers.etag = server.etag;
    if (server.lastModified) headers['last-modified'] = server.lastModified;
    response.writeHead(server.status, headers).end(server.body);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => http.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function definition(fields: Partial<FeedDefinition> = {}): FeedDefinition {
  return feedDefinitionSchema.parse({
    name: 'loopback',
    source: `${base}/feed.txt`,
    format: 'plain',
    category: 'malicious',
    ...fields,
  });
}

function lookupStored(directory: FeedDirectory, value: string) {
  return new IndicatorStoreBuilder()
    .addAll(readStoredFeeds(directory))
    .build()
    .categoriesOf(value);
}

describe('refreshFeed over HTTP', () => {
  const directory = new FeedDirectory(join(dir, 'a'));

  it('stores a downloaded feed with its validators', async () => {
    const feed = definition();
    directory.saveDefinition(feed);
    const report = await refreshFeed(directory, feed);
    expect(report.outcome).toBe('updated');
    expect(report.state).toMatchObject({
      etag: '"v1"',
      indicators: 2,
      counts: { ipv4: 2 },
      problems: 0,
    });
    expect(lookupStored(directory, '198.51.100.77')).toEqual(['malicious']);
  });

  it('sends If-None-Match and keeps the copy on 304', async () => {
    server.requests = [];
    const report = await refreshFeed(directory, definition());
    expect(server.requests[0]?.ifNoneMatch).toBe('"v1"');
    expect(report.outcome).toBe('unchanged');
    expect(report.result.indicators).toHaveLength(2);
  });

  it('keeps the last good copy when the server fails', async () => {
    server.status = 503;
    try {
      const report = await refreshFeed(directory, definition());
      expect(report.outcome).toBe('kept');
      expect(report.state.lastError).toBe('feed request failed with HTTP 503');
      expect(directory.state('loopback')?.lastError).toBe(
        'feed request failed with HTTP 503',
      );
      expect(lookupStored(directory, '192.0.2.10')).toEqual(['malicious']);
    } finally {
      server.status = 200;
    }
  });

  it('keeps the copy when a new one has no indicator', async () => {
    server.etag = '"v2"';
    server.body = '<html>maintenance</html>\n';
    const report = await refreshFeed(directory, definition());
    expect(report.outcome).toBe('kept');
    expect(report.state.lastError).toBe(
      'new copy has no usable indicator (1 problems)',
    );
    expect(lookupStored(directory, '192.0.2.10')).toEqual(['malicious']);
  });

  it('rejects a body over the size bound', async () => {
    server.etag = '"v3"';
    server.body = '192.0.2.1\n'.repeat(2000);
    const report = await refreshFeed(directory, definition({ maxBytes: 1000 }));
    expect(report.outcome).toBe('kept');
    expect(report.state.lastError).toBe('feed is larger than 1000 bytes');
  });

  it('replaces the copy and clears the error on success', async () => {
    server.etag = '"v4"';
    server.body = '203.0.113.9\n';
    const report = await refreshFeed(directory, definition());
    expect(report.outcome).toBe('updated');
    expect(report.state.lastError).toBeUndefined();
    expect(lookupStored(directory, '203.0.113.9')).toEqual(['malicious']);
    expect(lookupStored(directory, '192.0.2.10')).toEqual([]);
  });

  it('uses If-Modified-Since without an ETag', async () => {
    const other = new FeedDirectory(join(dir, 'b'));
    server.etag = undefined;
    server.lastModified = 'Tue, 20 Feb 2024 10:00:00 GMT';
    await refreshFeed(other, definition());
    server.requests = [];
    const report = await refreshFeed(other, definition());
    expect(server.requests[0]?.ifModifiedSince).toBe(
      'Tue, 20 Feb 2024 10:00:00 GMT',
    );
    expect(report.outcome).toBe('unchanged');
    server.lastModified = undefined;
    server.etag = '"v5"';
  });

  it('fails without a good copy to keep', async () => {
    server.status = 500;
    try {
      await expect(
        refreshFeed(new FeedDirectory(join(dir, 'c')), definition()),
      ).rejects.toThrow('HTTP 500');
    } finally {
      server.status = 200;
    }
  });

  it('rejects other URL schemes', async () => {
    await expect(
      refreshFeed(
        new FeedDirectory(join(dir, 'd')),
        definition({ source: 'file:///etc/passwd' }),
      ),
    ).rejects.toThrow();
  });
});

describe('isRefreshDue', () => {
  const feed = definition({
    source: 'http://127.0.0.1:9/feed.txt',
    refreshSeconds: 3600,
  });
  const state = {
    fetchedAt: '2024-01-01T00:00:00.000Z',
    checkedAt: '2024-01-01T00:00:00.000Z',
    indicators: 1,
    counts: {},
    problems: 0,
  };

  it('waits for the interval', () => {
    const start = Date.parse(state.checkedAt);
    expect(isRefreshDue(feed, state, start + 3_599_000)).toBe(false);
    expect(isRefreshDue(feed, state, start + 3_600_000)).toBe(true);
    expect(isRefreshDue(feed, undefined, start)).toBe(true);
  });

  it('never refreshes file feeds on its own', () => {
    const file = definition({ source: '/tmp/list.txt' });
    expect(isRefreshDue(file, undefined, Date.now())).toBe(false);
  });
});
