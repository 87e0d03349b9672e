import { describe, expect, it } from 'vitest';
import { decodeAuditKeys, decodeAuditString } from './audit-value.js';
import {
  isAuditLineProblem,
  parseAuditFields,
  parseAuditLine,
} from './parse-audit-line.js';

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

/** The header grammar as a regular expression: the parser's reference. */
const HEADER =
  /^(?:node=(\S+) )?type=(\S+) msg=audit\((\d{1,12})\.(\d{1,3}):(\d{1,10})\):? ?/;

/** Parses a line with the regular expression, in the parser's terms. */
function reference(text: string) {
  const match = HEADER.exec(text);
  if (!match) return 'no header';
  const [header, node, type, seconds, millis, serial] = match as unknown as [
    string,
    string | undefined,
    string,
    string,
    string,
    string,
  ];
  if (Number(serial) > 0xffffffff) return 'serial too large';
  const body = text.slice(header.length);
  const split = body.indexOf('\x1d');
  return {
    node,
    type,
    stamp: `${seconds}.${millis.padStart(3, '0')}`,
    timeMs: Number(seconds) * 1000 + Number(millis.padEnd(3, '0')),
    serial: Number(serial),
    fields: [...parseAuditFields(split === -1 ? body : body.slice(0, split))],
    enriched: [...parseAuditFields(split === -1 ? '' : body.slice(split + 1))],
  };
}

function parsed(text: string) {
  const result = parseAuditLine(text, 1);
  if (!isAuditLineProblem(result)) {
    return {
      node: result.node,
      type: result.type,
      stamp: result.stamp,
      timeMs: result.timeMs,
      serial: result.serial,
      fields: [...result.fields],
      enriched: [...result.enriched],
    };
  }
  return result.reason.startsWith('serial') ? 'serial too large' : 'no header';
}

describe('parseAuditLine header', () => {
  const lines = [
    'type=SYSCALL msg=audit(1796357573.358:14196): arch=c000003e pid=7',
    'node=n1 type=EXECVE msg=audit(1.358:1): argc=1 a0="x"',
    'node=n1\ttype=EXECVE msg=audit(1.358:1): argc=1',
    'node= type=EXECVE msg=audit(1.358:1): argc=1',
    'node=a b type=EXECVE msg=audit(1.358:1): argc=1',
    'type= msg=audit(1.358:1): a=1',
    'type=A\u00a0B msg=audit(1.358:1): a=1',
    'type=A\u2009 msg=audit(1.358:1): a=1',
    'type=A  msg=audit(1.358:1): a=1',
    'type=CWD msg=audit(123456789012.1:2): cwd="/"',
    'type=CWD msg=audit(1234567890123.1:2): cwd="/"',
    'type=CWD msg=audit(1.05:2): cwd="/"',
    'type=CWD msg=audit(1.0512:2): cwd="/"',
    'type=CWD msg=audit(1.:2): cwd="/"',
    'type=CWD msg=audit(.5:2): cwd="/"',
    'type=CWD msg=audit(1.5:4294967295): cwd="/"',
    'type=CWD msg=audit(1.5:4294967296): cwd="/"',
    'type=CWD msg=audit(1.5:12345678901): cwd="/"',
    'type=CWD msg=audit(1.5:): cwd="/"',
    'type=CWD msg=audit(1.5:7 cwd="/"',
    'type=CWD msg=audit(1.5:7)cwd="/"',
    'type=CWD msg=audit(1.5:7):cwd="/"',
    'type=CWD msg=audit(1.5:7):  cwd="/"',
    'type=CWD msg=audit(1.5:7)',
    'type=CWD msg=audit(1.5:7):',
    'type=X msg=audit(1.5:7): a=1\x1dA="b" C={ d=e f=g }',
    'type=X msg=audit(1.5:7): a="open\x1dB=2',
    'type=X msg=audit(1.5:7): a=\x1d',
    ' type=X msg=audit(1.5:7): a=1',
    'TYPE=X msg=audit(1.5:7): a=1',
  ];
  for (const line of lines) {
    it(`parses ${JSON.stringify(line)} as the grammar`, () => {
      expect(parsed(line)).toEqual(reference(line));
    });
  }
});

describe('parseAuditFields', () => {
  it('parses a range as its slice', () => {
    const text = 'x a=1 b="q" word c=\'m n\' d={ e } f= g=h';
    for (let start = 0; start <= text.length; start++) {
      for (let end = start; end <= text.length; end++) {
        expect([...parseAuditFields(text, start, end)]).toEqual([
          ...parseAuditFields(text.slice(start, end)),
        ]);
      }
    }
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
