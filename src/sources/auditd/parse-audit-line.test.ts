import { describe, expect, it } from 'vitest';
import { decodeAuditKeys, decodeAuditString } from './audit-value.js';
import { isAuditLineProblem, parseAuditLine } from './parse-audit-line.js';

function record(text: string) {
  const parsed = parseAuditLine(text, 1);
  if (isAuditLineProblem(parsed)) throw new Error(parsed.reason);
  return parsed;
}

describe('parseAuditLine', () => {
  it('reads the header and fields', () => {
    const r = record(
      'type=CWD msg=audit(1492037291.036:59):  cwd="/home/exampleuser"',
    );
    expect(r.type).toBe('CWD');
    expect(r.serial).toBe(59);
    expect(r.timeMs).toBe(1492037291036);
    expect(r.stamp).toBe('1492037291.036');
    expect(r.fields.get('cwd')).toBe('"/home/exampleuser"');
  });

  it('reads the node prefix', () => {
    const r = record(
      'node=localhost.localdomain type=DAEMON_START msg=audit(1594053514.588:4686): op=start ver=2.8.5',
    );
    expect(r.node).toBe('localhost.localdomain');
    expect(r.fields.get('op')).toBe('start');
  });

  it('splits enriched fields after the group separator', () => {
    const r = record(
      'type=SYSCALL msg=audit(1796349201.631:82): arch=c000003e syscall=44 auid=4294967295\x1dARCH=x86_64 SYSCALL=sendto AUID="unset"',
    );
    expect(r.fields.get('syscall')).toBe('44');
    expect(r.fields.has('ARCH')).toBe(false);
    expect(r.enriched.get('SYSCALL')).toBe('sendto');
    expect(r.enriched.get('AUID')).toBe('"unset"');
  });

  it('keeps single-quoted user messages whole', () => {
    const r = record(
      'type=USER_CMD msg=audit(1.2:3): pid=1 msg=\'cwd="/" cmd=6C73 res=success\'',
    );
    expect(r.fields.get('msg')).toBe('\'cwd="/" cmd=6C73 res=success\'');
  });

  it('reads a header without the colon', () => {
    const r = record(
      'type=DAEMON_CONFIG msg=audit(1490239800.477:34) config changed, auid=0 pid=1512',
    );
    expect(r.fields.get('auid')).toBe('0');
  });

  it('reports a line without a header', () => {
    const parsed = parseAuditLine('type=UNKNOWN[1329] msg=?', 7);
    expect(parsed).toEqual({
      line: 7,
      reason: 'missing type=… msg=audit(TIME:SERIAL) header',
    });
  });

  it('reports an oversized line', () => {
    const parsed = parseAuditLine(`type=X ${'a'.repeat(70_000)}`, 2);
    expect(isAuditLineProblem(parsed)).toBe(true);
  });
});

describe('decodeAuditString', () => {
  it('decodes hex of an encoded value', () => {
    const exe =
      '2F7573722F62696E2F707974686F6E322E373B3538643163636662202864656C6574656429';
    expect(decodeAuditString(exe)).toBe(
      '/usr/bin/python2.7;58d1ccfb (deleted)',
    );
  });

  it('keeps a quoted value literal', () => {
    expect(decodeAuditString('"cafe"')).toBe('cafe');
  });

  it('treats (null) as absent', () => {
    expect(decodeAuditString('(null)')).toBeUndefined();
  });

  it('splits several rule keys', () => {
    expect(decodeAuditKeys('6578656301363462697473')).toEqual([
      'exec',
      '64bits',
    ]);
  });
});
