import { describe, expect, it } from 'vitest';
import { decodeSockaddr } from './decode-sockaddr.js';

describe('decodeSockaddr', () => {
  it('decodes AF_INET', () => {
    expect(decodeSockaddr('02000050A9FEA9FE0000000000000000')).toEqual({
      family: 'ipv4',
      address: '169.254.169.254',
      port: 80,
    });
  });

  it('decodes AF_INET6 with zero compression', () => {
    const hex = `0A001F90000000002001${'0db8'}${'0'.repeat(16)}000000010000000`;
    expect(decodeSockaddr(hex.padEnd(56, '0'))).toEqual({
      family: 'ipv6',
      address: '2001:db8::1',
      port: 8080,
    });
  });

  it('decodes loopback AF_INET6', () => {
    const hex = `0A001F9000000000${'0'.repeat(30)}0100000000`;
    expect(decodeSockaddr(hex)).toMatchObject({ address: '::1', port: 8080 });
  });

  it('decodes an AF_UNIX path', () => {
    expect(decodeSockaddr('01007075626C69632F7069636B757000')).toEqual({
      family: 'unix',
      path: 'public/pickup',
    });
  });

  it('marks an abstract AF_UNIX name', () => {
    expect(decodeSockaddr('0100006162')).toEqual({
      family: 'unix',
      path: '@ab',
    });
  });

  it('names other families by number', () => {
    expect(decodeSockaddr('100000000000000000000000')).toEqual({
      family: 'other',
      number: 16,
    });
  });

  it('rejects short AF_INET hex', () => {
    expect(decodeSockaddr('0200')).toBeUndefined();
  });
});
