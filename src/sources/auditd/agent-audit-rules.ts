import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The key prefix of every audit rule the agent adds. */
export const AGENT_KEY = 'vigil';

/** A watched path and why. */
interface Watch {
  path: string;
  permissions: string;
  key: string;
}

const SHELL_HISTORY = [
  '.bash_history',
  '.zsh_history',
  '.ash_history',
  '.history',
];

/** Home folders as absolute paths on the node, not under `root`. */
function homeDirectories(root: string): string[] {
  const homes = ['/root'];
  const base = join(root, 'home');
  if (!existsSync(base)) return homes;
  for (const entry of readdirSync(base, { withFileTypes: true })) {
    if (entry.isDirectory()) homes.push(`/home/${entry.name}`);
  }
  return homes;
}

function watches(root: string): Watch[] {
  const list: Watch[] = [
    { path: '/etc/shadow', permissions: 'rwa', key: 'vigil_credentials' },
    { path: '/etc/gshadow', permissions: 'rwa', key: 'vigil_credentials' },
    {
      path: '/var/lib/kubelet/kubeconfig',
      permissions: 'rwa',
      key: 'vigil_kubeconfig',
    },
    {
      path: '/etc/kubernetes/kubelet.conf',
      permissions: 'rwa',
      key: 'vigil_kubeconfig',
    },
  ];
  for (const path of homeDirectories(root)) {
    list.push({
      path: `${path}/.ssh/authorized_keys`,
      permissions: 'rwa',
      key: 'vigil_ssh_keys',
    });
    for (const name of SHELL_HISTORY) {
      list.push({
        path: `${path}/${name}`,
        permissions: 'wa',
        key: 'vigil_history',
      });
    }
  }
  return list;
}

/**
 * Lists the audit rules the agent needs, as auditctl argument lists: execve and
 * execveat for 64- and 32-bit processes, connect, and watches on
 * credential stores, SSH authorized keys, the kubelet's kubeconfig and
 * shell history files. A watch needs its parent folder to exist (the
 * kernel watches the folder), so watches under missing folders are left
 * out. `root` is where the node's file system is seen: `/` on the node,
 * or a host mount such as `/host` in a container. Watches are placed on
 * the paths under `root`, which name the node's files: the kernel
 * watches inodes, and PATH records show the name the accessing process
 * used, such as /etc/shadow.
 */
export function agentAuditRules(root = '/'): string[][] {
  const rules: string[][] = [];
  for (const arch of ['b64', 'b32']) {
    rules.push([
      '-a',
      'always,exit',
      '-F',
      `arch=${arch}`,
      '-S',
      'execve',
      '-S',
      'execveat',
      '-k',
      'vigil_exec',
    ]);
    rules.push([
      '-a',
      'always,exit',
      '-F',
      `arch=${arch}`,
      '-S',
      'connect',
      '-k',
      'vigil_connect',
    ]);
  }
  for (const watch of watches(root)) {
    if (!existsSync(join(root, dirname(watch.path)))) continue;
    rules.push([
      '-w',
      join(root, watch.path),
      '-p',
      watch.permissions,
      '-k',
      watch.key,
    ]);
  }
  return rules;
}

const KEY_PATTERN =
  /(?:^|\s)(?:-k\s+|-F\s+key=)(vigil(?:_[A-Za-z0-9_]+)?)(?=\s|$)/;

/**
 * Turns `auditctl -l` output into the auditctl argument lists that delete
 * the agent's rules: `-a …` becomes `-d …` and `-w PATH …` becomes
 * `-W PATH …`. Lines without a `vigil` or `vigil_*` key are left alone,
 * so other tools' rules survive.
 */
export function agentRuleDeletions(listing: string): string[][] {
  const deletions: string[][] = [];
  for (const line of listing.split('\n')) {
    const text = line.trim();
    if (!KEY_PATTERN.test(text)) continue;
    const words = text.split(/\s+/);
    if (words[0] === '-a') deletions.push(['-d', ...words.slice(1)]);
    else if (words[0] === '-w') deletions.push(['-W', ...words.slice(1)]);
  }
  return deletions;
}
