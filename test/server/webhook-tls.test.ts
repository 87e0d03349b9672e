import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventList } from '../support/audit-batches.js';
import {
  enrolCluster,
  type ServerProcess,
  startServerProcess,
} from '../support/server-process.js';
import {
  createStoreBackend,
  type StoreBackend,
} from '../support/store-backends.js';

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** Creates a CA, a server certificate for 127.0.0.1 and client certificates. */
function createCertificates(dir: string, clients: string[]): void {
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=vigil-test-ca',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  ]);
  const sign = (name: string, subject: string, extension: string) => {
    openssl(dir, [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      subject,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
    ]);
    const ext = join(dir, `${name}.ext`);
    execFileSync('sh', ['-c', `printf '%s\\n' '${extension}' > '${ext}'`]);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      ext,
      '-out',
      `${name}.pem`,
    ]);
  };
  sign('server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1');
  for (const client of clients)
    sign(client, `/CN=${client}`, 'extendedKeyUsage=clientAuth');
}

interface HttpsAnswer {
  status: number;
  body: string;
}

function post(
  url: string,
  dir: string,
  client: string | undefined,
  body: string,
): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      url,
      {
        method: 'POST',
        ca: readFileSync(join(dir, 'ca.pem')),
        ...(client
          ? {
              cert: readFileSync(join(dir, `${client}.pem`)),
              key: readFileSync(join(dir, `${client}.key`)),
            }
          : {}),
        headers: { 'content-type': 'application/json' },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: text }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('webhook over TLS', () => {
  let backend: StoreBackend;
  let server: ServerProcess;
  let url: string;

  beforeAll(async () => {
    backend = await createStoreBackend('sqlite');
    createCertificates(backend.dataDir, ['tls-cluster', 'stranger']);
    enrolCluster(backend, 'tls-cluster');
    const file = (name: string) => join(backend.dataDir, name);
    server = await startServerProcess(backend, {
      args: [
        '--tls-cert',
        file('server.pem'),
        '--tls-key',
        file('server.key'),
        '--client-ca',
        file('ca.pem'),
      ],
    });
    url = server.url.replace('localhost', '127.0.0.1');
  });

  afterAll(async () => {
    await server?.stop();
    await backend?.cleanup();
  });

  it('serves HTTPS', () => {
    expect(url).toMatch(/^https:/);
  });

  it('client certificate names the cluster', async () => {
    const answer = await post(
      `${url}/k8s-audit`,
      backend.dataDir,
      'tls-cluster',
      eventList([]),
    );
    expect(answer.status).toBe(200);
  });

  it('certificate of unknown cluster gets 401', async () => {
    const answer = await post(
      `${url}/k8s-audit`,
      backend.dataDir,
      'stranger',
      eventList([]),
    );
    expect(answer.status).toBe(401);
  });

  it('no certificate and no token gets 401', async () => {
    const answer = await post(
      `${url}/k8s-audit`,
      backend.dataDir,
      undefined,
      eventList([]),
    );
    expect(answer.status).toBe(401);
  });
});
