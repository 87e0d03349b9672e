import { describe, expect, it } from 'vitest';
import type { HostEvent } from '../../sources/event.js';
import { compileCondition, compileFieldReader } from '../compile-condition.js';
import { EventContext } from '../event-context.js';
import { NO_INTEL } from '../intel-lookup.js';
import { PREDICATES } from '../predicates/index.js';
import { buildTestHostEvent } from '../test-host-event.js';
import { VIEWS } from '../views/index.js';
import { FollowedByDetector } from './followed-by.js';

const env = { views: VIEWS, predicates: PREDICATES, list: () => [] };
const TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

function detector(maxKeys = 10) {
  return new FollowedByDetector({
    by: [compileFieldReader('container.id', env, [])],
    first: compileCondition({ field: 'kind', equals: 'file' }, env, []),
    later: compileCondition({ field: 'kind', equals: 'network' }, env, []),
    windowMs: 60_000,
    maxKeys,
  });
}

function tokenRead(container: string, index: number): HostEvent {
  return buildTestHostEvent(
    {
      kind: 'file',
      container: { id: container, name: 'web', image: 'x', privileged: false },
      process: { argv: ['cat', TOKEN], exe: '/bin/cat' },
      file: { path: TOKEN, operation: 'read' },
    },
    `read-${container}-${index}`,
    index,
  );
}

function connect(container: string, at: string): HostEvent {
  return buildTestHostEvent(
    {
      kind: 'network',
      at,
      container: { id: container, name: 'web', image: 'x', privileged: false },
      process: { argv: ['curl', '-k', 'https://10.96.0.1/'] },
      network: {
        direction: 'outbound',
        protocol: 'tcp',
        family: 'ipv4',
        remoteAddress: '10.96.0.1',
        remotePort: 443,
      },
    },
    `connect-${container}-${at}`,
    0,
  );
}

function observe(d: FollowedByDetector, event: HostEvent) {
  return d.observe(event, new EventContext(event, VIEWS, NO_INTEL));
}

describe('FollowedByDetector', () => {
  it('raises on a connection after a token read', () => {
    const d = detector();
    expect(observe(d, tokenRead('c1', 0))).toBeUndefined();
    expect(observe(d, connect('c1', '30s'))).toEqual({
      first: [`read ${TOKEN} by /bin/cat`],
    });
  });

  it('stays silent on a connection alone', () => {
    expect(observe(detector(), connect('c1', '30s'))).toBeUndefined();
  });

  it('stays silent after the window', () => {
    const d = detector();
    observe(d, tokenRead('c1', 0));
    expect(observe(d, connect('c1', '61s'))).toBeUndefined();
  });

  it('keeps containers apart', () => {
    const d = detector();
    observe(d, tokenRead('c1', 0));
    expect(observe(d, connect('c2', '10s'))).toBeUndefined();
  });

  it('passes other events through', () => {
    const event = buildTestHostEvent({ kind: 'process' }, 'p', 0);
    expect(observe(detector(), event)).toEqual({});
  });

  it('bounds the keys it remembers', () => {
    const d = detector(2);
    for (const [i, id] of ['c1', 'c2', 'c3'].entries()) {
      observe(d, tokenRead(id, i));
    }
    expect(d.size).toBe(2);
    expect(observe(d, connect('c1', '10s'))).toBeUndefined();
    expect(observe(d, connect('c3', '10s'))).toBeDefined();
  });
});
