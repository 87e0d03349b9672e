import { describe, expect, it } from 'vitest';
import { decodeExecve, decodeProctitle } from './decode-execve.js';
import { isAuditLineProblem, parseAuditLine } from './parse-audit-line.js';

function records(...lines: string[]) {
  return lines.map((text, i) => {
    const parsed = parseAuditLine(text, i + 1);
    if (isAuditLineProblem(parsed)) throw new Error(parsed.reason);
    return parsed;
  });
}

describe('decodeExecve', () => {
  it('decodes quoted and hex arguments', () => {
    const { argv, truncated } = decodeExecve(
      records(
        'type=EXECVE msg=audit(1.0:1): argc=3 a0="jq" a1=2E5B305D207C202E6E616D65 a2="x"',
      ),
    );
    expect(argv).toEqual(['jq', '.[0] | .name', 'x']);
    expect(truncated).toBe(false);
  });

  it('joins split arguments by byte', () => {
    // "é" is C3 A9; the kernel may cut between the two bytes.
    const { argv } = decodeExecve(
      records(
        'type=EXECVE msg=audit(1.0:1): argc=2 a0="echo" a1_len=6 a1[0]=41C3 a1[1]=A942',
      ),
    );
    expect(argv).toEqual(['echo', 'AéB']);
  });

  it('joins arguments spread over records', () => {
    const { argv } = decodeExecve(
      records(
        'type=EXECVE msg=audit(1.0:1): argc=3 a0="a"',
        'type=EXECVE msg=audit(1.0:1): a1="b" a2="c"',
      ),
    );
    expect(argv).toEqual(['a', 'b', 'c']);
  });

  it('marks missing arguments as truncated', () => {
    const { argv, truncated } = decodeExecve(
      records('type=EXECVE msg=audit(1.0:1): argc=3 a0="a" a1="b"'),
    );
    expect(argv).toEqual(['a', 'b']);
    expect(truncated).toBe(true);
  });
});

describe('decodeProctitle', () => {
  it('splits hex at NUL bytes', () => {
    expect(decodeProctitle('2F62696E2F7368002D63006964')).toEqual([
      '/bin/sh',
      '-c',
      'id',
    ]);
  });

  it('reads a quoted title', () => {
    expect(decodeProctitle('"sshd"')).toEqual(['sshd']);
  });
});
