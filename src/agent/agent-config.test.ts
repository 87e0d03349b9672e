import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from './agent-config.js';

const env = { VIGIL_AGENT_TOKEN: 'cluster-token' };

describe('parseAgentConfig server', () => {
  it.each([
    'https://vigil.example.com:8443',
    'http://127.0.0.1:8080',
    'https://[::1]:8443/vigil',
  ])('accepts %s', (server) => {
    expect(parseAgentConfig({ server }, env).server).toBe(server);
  });

  it.each([
    'localhost:8080',
    'vigil.example.com',
    'ftp://vigil.example.com',
    'https://',
  ])('rejects %s with the value', (server) => {
    expect(() => parseAgentConfig({ server }, env)).toThrow(
      `invalid agent setting server: ${JSON.stringify(server)} is not`,
    );
  });
});
