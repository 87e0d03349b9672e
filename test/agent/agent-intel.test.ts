import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAgentOnStream } from './support/agent-stream.js';

/** The address of the connect below, from the TEST-NET-2 range. */
const LISTED = '198.51.100.66';

/**
 * An ENRICHED connect of /tmp/.x to 198.51.100.66:443, as auditd 3
 * writes it: SOCKADDR contains AF_INET, port 0x01BB and the address in hex.
 */
const connectEvent = [
  'type=SYSCALL msg=audit(1796349300.100:950): arch=c000003e syscall=42 success=no exit=-115 items=0 ppid=1 pid=81 auid=4294967295 uid=0 euid=0 comm=".x" exe="/tmp/.x" key="vigil_connect"\x1dARCH=x86_64 SYSCALL=connect',
  'type=SOCKADDR msg=audit(1796349300.100:950): saddr=020001BBC63364420000000000000000\x1dSADDR={ saddr_fam=inet laddr=198.51.100.66 lport=443 }',
  'type=PROCTITLE msg=audit(1796349300.100:950): proctitle="/tmp/.x"',
].join('\n');

function writeFeed(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-agent-intel-')), 'feed');
  writeFileSync(file, text);
  return file;
}

function agent(...args: string[]) {
  const result = runAgentOnStream(`${connectEvent}\n`, args);
  const alerts = result.objects.filter((o) => typeof o.alertType === 'string');
  return { ...result, alerts };
}

describe('vigil agent --intel', () => {
  it('raises a connection to a listed address', () => {
    const feed = writeFeed(`# test feed\n${LISTED}\n`);
    const { status, alerts } = agent('--intel', feed);
    expect(status).toBe(0);
    expect(alerts.map((a) => a.alertType)).toEqual([
      'K8S.NODE_MaliciousIPConnection',
    ]);
    expect(alerts[0].entities.process).toBe('/tmp/.x');
  });

  it('files entries under the category given', () => {
    const feed = writeFeed('198.51.100.0/24\n');
    const { status, alerts } = agent('--intel', `test=${feed}`);
    expect(status).toBe(0);
    expect(alerts.map((a) => a.alertType)).toEqual([
      'K8S.NODE_MaliciousIPConnection',
    ]);
  });

  it('raises nothing for an address no feed lists', () => {
    const feed = writeFeed('203.0.113.9\n');
    const { status, alerts } = agent('--intel', feed);
    expect(status).toBe(0);
    expect(alerts).toEqual([]);
  });

  it('raises nothing without feeds', () => {
    const { status, alerts } = agent();
    expect(status).toBe(0);
    expect(alerts).toEqual([]);
  });

  it('rejects a missing feed file', () => {
    const { status, stderr } = agent('--intel', '/nonexistent/feed.txt');
    expect(status).toBe(2);
    expect(stderr).toContain('--intel /nonexistent/feed.txt');
  });

  it('rejects an unknown category', () => {
    const feed = writeFeed(`${LISTED}\n`);
    const { status, stderr } = agent('--intel', `evil=${feed}`);
    expect(status).toBe(2);
    expect(stderr).toContain('unknown category "evil"');
  });
});
