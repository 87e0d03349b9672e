import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentAuditRules, agentRuleDeletions } from './agent-audit-rules.js';

describe('agentAuditRules', () => {
  it('watches only under existing folders', () => {
    const root = mkdtempSync(join(tmpdir(), 'vigil-rules-'));
    mkdirSync(join(root, 'etc'));
    mkdirSync(join(root, 'root/.ssh'), { recursive: true });
    mkdirSync(join(root, 'home/ana'), { recursive: true });
    const watches = agentAuditRules(root)
      .filter((rule) => rule[0] === '-w')
      .map((rule) => `${rule[1]} ${rule[5]}`);
    expect(watches).toContain(`${root}/etc/shadow vigil_credentials`);
    expect(watches).toContain(
      `${root}/root/.ssh/authorized_keys vigil_ssh_keys`,
    );
    expect(watches).toContain(`${root}/home/ana/.bash_history vigil_history`);
    expect(watches).not.toContain(
      `${root}/home/ana/.ssh/authorized_keys vigil_ssh_keys`,
    );
    expect(watches).not.toContain(
      `${root}/var/lib/kubelet/kubeconfig vigil_kubeconfig`,
    );
  });

  it('names node paths when the root is /', () => {
    const watches = agentAuditRules('/').filter((rule) => rule[0] === '-w');
    expect(watches.map((rule) => rule[1])).toContain('/etc/shadow');
  });

  it('covers exec and connect on both arches', () => {
    const syscalls = agentAuditRules('/nonexistent')
      .filter((rule) => rule[0] === '-a')
      .map((rule) => rule.join(' '));
    expect(syscalls).toEqual([
      '-a always,exit -F arch=b64 -S execve -S execveat -k vigil_exec',
      '-a always,exit -F arch=b64 -S connect -k vigil_connect',
      '-a always,exit -F arch=b32 -S execve -S execveat -k vigil_exec',
      '-a always,exit -F arch=b32 -S connect -k vigil_connect',
    ]);
  });
});

describe('agentRuleDeletions', () => {
  it('deletes only rules with the agent keys', () => {
    const listing = [
      '-a always,exit -F arch=b64 -S execve,execveat -F key=vigil_exec',
      '-a always,exit -F arch=b64 -S connect -F key=vigilant',
      '-a always,exit -F arch=b64 -S open -F key=other',
      '-w /etc/shadow -p rwa -k vigil_credentials',
      '-w /etc/passwd -p wa -k identity',
      '-w /etc/hosts -p wa -k vigil',
    ].join('\n');
    expect(agentRuleDeletions(listing)).toEqual([
      [
        '-d',
        'always,exit',
        '-F',
        'arch=b64',
        '-S',
        'execve,execveat',
        '-F',
        'key=vigil_exec',
      ],
      ['-W', '/etc/shadow', '-p', 'rwa', '-k', 'vigil_credentials'],
      ['-W', '/etc/hosts', '-p', 'wa', '-k', 'vigil'],
    ]);
  });
});
