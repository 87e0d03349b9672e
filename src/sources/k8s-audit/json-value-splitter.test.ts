import { describe, expect, it } from 'vitest';
import type { AuditProblem } from './audit-problem.js';
import { JsonValueSplitter, type SplitValue } from './json-value-splitter.js';

function split(text: string, maxBytes = 1024, chunkBytes = 0) {
  const values: SplitValue[] = [];
  const problems: AuditProblem[] = [];
  const splitter = new JsonValueSplitter(
    maxBytes,
    (value) => values.push(value),
    (problem) => problems.push(problem),
  );
  const bytes = Buffer.from(text);
  const step = chunkBytes || bytes.length;
  for (let i = 0; i < bytes.length; i += step) {
    splitter.push(bytes.subarray(i, i + step));
  }
  splitter.end();
  return { values, problems };
}

describe('JsonValueSplitter', () => {
  it('splits the same way across chunks', () => {
    const text = '{"records":[{"a":"}"},\n{"b":[1,2]}],"x":1}\n["q",{"c":3}]';
    const whole = split(text).values;
    expect(whole.map((value) => value.text)).toEqual([
      '{"a":"}"}',
      '{"b":[1,2]}',
      '"q"',
      '{"c":3}',
    ]);
    expect(whole.map((value) => value.line)).toEqual([1, 2, 3, 3]);
    expect(whole[1]?.envelope).toEqual({
      key: 'records',
      index: 1,
      members: { records: [] },
    });
    expect(split(text, 1024, 1).values).toEqual(whole);
  });

  it('passes envelope members before the array', () => {
    const text =
      '{"messageType":"DATA_MESSAGE","logGroup":"/aws/eks/a/cluster",' +
      '"logEvents":[{"id":"1"}]}';
    const [value] = split(text).values;
    expect(value?.envelope?.members).toEqual({
      messageType: 'DATA_MESSAGE',
      logGroup: '/aws/eks/a/cluster',
      logEvents: [],
    });
  });

  it('resyncs after a line cut in a string', () => {
    const { values } = split('{"a":"b\n{"c":1}\n');
    expect(values).toEqual([
      { text: '{"a":"b', line: 1, cut: true },
      { text: '{"c":1}', line: 2, cut: false },
    ]);
  });

  it('resyncs after a line cut between members', () => {
    const { values } = split('{"a":{"b":1,\n{"c":1}\n');
    expect(values.map((value) => value.cut)).toEqual([true, false]);
    expect(values[1]?.line).toBe(2);
  });

  it('reports an oversized element', () => {
    const text = `[{"a":"${'x'.repeat(2000)}"},{"b":1}]`;
    const { values, problems } = split(text, 1000, 64);
    expect(values.map((value) => value.text)).toEqual(['{"b":1}']);
    expect(problems).toEqual([
      {
        code: 'value-too-large',
        reason:
          'JSON value of 2008 bytes is larger than the maximum of 1000 bytes',
        line: 1,
      },
    ]);
  });

  it('reports stray text and open documents', () => {
    const { problems } = split('hello\n[{"a":1},');
    expect(problems).toEqual([
      {
        code: 'invalid-json',
        reason: 'invalid JSON: expected an object or array, found "hello"',
        line: 1,
      },
      {
        code: 'incomplete-document',
        reason:
          'incomplete JSON document: the document that starts at line 2 ' +
          'ends before its closing bracket',
        line: 2,
      },
    ]);
  });
});
