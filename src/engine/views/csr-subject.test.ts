import { describe, expect, it } from 'vitest';
import { decodeCsrSubject } from './csr-subject.js';

const NODE_REQUEST =
  'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0KTUlJQkF6Q0JxUUlCQURCSE1SVXdFd1lEVlFRS0RBeHplWE4wWlcwNmJtOWtaWE14TGpBc0JnTlZCQU1NSlhONQpjM1JsYlRwdWIyUmxPbWx3TFRFd0xUQXRNUzB4Tnk1bFl6SXVhVzUwWlhKdVlXd3dXVEFUQmdjcWhrak9QUUlCCkJnZ3Foa2pPUFFNQkJ3TkNBQVFBQkVyYUlSUG5hM3hXSzI4YVROTklLb0wyc0pNczhUcitDakVWUnNybUhhd1UKczlLenJ6UEM0UC9YWEFnRVpBbjVUVkp1cWR5bzdBMXhjWWR6ekllYW9BQXdDZ1lJS29aSXpqMEVBd0lEU1FBdwpSZ0loQU5PejVCZDNoeFJnU2NpOEpod3NFWTdqT2NUNENpYmtwVXVQdTYzTVJnTmNBaUVBdHRIbEVaS1hnQzJlCkpLTEx4c3oyTEVjNTZja0RrQlAwQnMyN0lQM3Rxa1k9Ci0tLS0tRU5EIENFUlRJRklDQVRFIFJFUVVFU1QtLS0tLQo=';
const MASTERS_REQUEST =
  'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0KTUlIck1JR1NBZ0VBTURBeEZ6QVZCZ05WQkFvTURuTjVjM1JsYlRwdFlYTjBaWEp6TVJVd0V3WURWUVFEREF4aQpZV05yZFhBdFlXUnRhVzR3V1RBVEJnY3Foa2pPUFFJQkJnZ3Foa2pPUFFNQkJ3TkNBQVIyNC9BYWw4dkExWnVHCkl6bWhVS1ZGbzlhWnNiSWR3bHZxLzNueU1aV0JnUlBJbjJXZndXU0lRbm5Vdk5JYVRaS3pBMUJ6RFBReFVYcjIKQVJJR1dqd2FvQUF3Q2dZSUtvWkl6ajBFQXdJRFNBQXdSUUlnTStVRWV1bkh1UVIySTJuRlZRcG5OeFA1UGoyWgorNVVtTStrRjFzME9NMmNDSVFEMHJudHhoQkVqSUlhUEJ4RzRrT3BrY2Q3dnh0bklPVDJCSi9YUEw3QWFpQT09Ci0tLS0tRU5EIENFUlRJRklDQVRFIFJFUVVFU1QtLS0tLQo=';

describe('decodeCsrSubject', () => {
  it('reads the common name of a node request', () => {
    expect(decodeCsrSubject(NODE_REQUEST)?.commonName).toBe(
      'system:node:ip-10-0-1-17.ec2.internal',
    );
  });
  it('reads the organization of a node request', () => {
    expect(decodeCsrSubject(NODE_REQUEST)?.organizations).toEqual([
      'system:nodes',
    ]);
  });
  it('reads the system:masters organization', () => {
    expect(decodeCsrSubject(MASTERS_REQUEST)?.organizations).toEqual([
      'system:masters',
    ]);
  });
  it('rejects a value that is not base64 PEM', () => {
    expect(decodeCsrSubject('bm90IGEgcmVxdWVzdA==')).toBeUndefined();
  });
  it('rejects a truncated request', () => {
    const pem = Buffer.from(NODE_REQUEST, 'base64').toString('latin1');
    const body = pem.split('\n').slice(1, 3).join('\n');
    const cut = `-----BEGIN CERTIFICATE REQUEST-----\n${body}\n-----END CERTIFICATE REQUEST-----\n`;
    expect(
      decodeCsrSubject(Buffer.from(cut).toString('base64')),
    ).toBeUndefined();
  });
  it('rejects a value that is not a string', () => {
    expect(decodeCsrSubject(42)).toBeUndefined();
  });
  it('rejects an oversized value', () => {
    expect(decodeCsrSubject('A'.repeat(70_000))).toBeUndefined();
  });
});
