import { describe, expect, it } from 'vitest';
import { rbacPowers } from './rbac-power.js';

describe('rbacPowers pods-exec', () => {
  it('counts create on pods/exec', () => {
    const rule = {
      apiGroups: [''],
      resources: ['pods/exec'],
      verbs: ['create'],
    };
    expect(rbacPowers(rule, false)).toContain('pods-exec');
  });
  it('counts get on pods/exec, which WebSocket exec needs', () => {
    const rule = { apiGroups: [''], resources: ['pods/exec'], verbs: ['get'] };
    expect(rbacPowers(rule, false)).toContain('pods-exec');
  });
  it('ignores get on pods', () => {
    const rule = { apiGroups: [''], resources: ['pods'], verbs: ['get'] };
    expect(rbacPowers(rule, false)).not.toContain('pods-exec');
  });
  it('ignores pods/exec limited by resourceNames', () => {
    const rule = {
      apiGroups: [''],
      resources: ['pods/exec'],
      resourceNames: ['debug'],
      verbs: ['get', 'create'],
    };
    expect(rbacPowers(rule, false)).not.toContain('pods-exec');
  });
});
