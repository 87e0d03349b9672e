import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../src/alerts/alert.js';
import { loadRulePack } from '../src/engine/load-rules.js';
import { defaultRulePackDir } from '../src/engine/rule-pack-dir.js';
import { scanFiles } from '../src/scan/scan-files.js';

const pack = loadRulePack(defaultRulePackDir());
const root = new URL('./fixtures/corpus/', import.meta.url).pathname;

/**
 * What each real sample must raise, worked out by reading its events.
 * Files not listed must raise nothing.
 */
const EXPECTED: Record<string, string[]> = {
  // system:anonymous created a namespace and the API server allowed it.
  'k8s_audit/anonymous_creates_namespace_foo.json': [
    'K8S_AnonymousAccessAllowed',
  ],
  // A ClusterRoleBinding whose roleRef is cluster-admin.
  'k8s_audit/attach_cluster_admin_role.json': ['K8S_ClusterAdminBinding'],
  // kubectl attach: pods/attach, stage ResponseStarted, code 101.
  'k8s_audit/attach_pod.json': ['K8S_PodExec'],
  // get on pods/exec, enough for WebSocket exec before Kubernetes 1.35.
  'k8s_audit/create_cluster_role_pod_exec.json': ['K8S_HighPrivilegesRole'],
  // get and list on every core resource, secrets included, cluster-wide.
  'k8s_audit/create_cluster_role_wildcard_resources.json': [
    'K8S_HighPrivilegesRole',
  ],
  'k8s_audit/create_nginx_pod_hostnetwork.json': ['K8S_HostNamespacePod'],
  'k8s_audit/create_nginx_pod_no_secctx_1st_container_privileged_2nd_container.json':
    ['K8S_PrivilegedContainer'],
  'k8s_audit/create_nginx_pod_privileged.json': ['K8S_PrivilegedContainer'],
  'k8s_audit/create_nginx_pod_privileged_2nd_container.json': [
    'K8S_PrivilegedContainer',
  ],
  // hostPath /etc mounted by the first or the second container.
  'k8s_audit/create_nginx_pod_sensitive_mount.json': ['K8S_SensitiveMount'],
  'k8s_audit/create_nginx_pod_sensitive_mount_2nd_container.json': [
    'K8S_SensitiveMount',
  ],
  // kubectl exec: pods/exec, stage ResponseStarted, code 101.
  'k8s_audit/exec_pod.json': ['K8S_PodExec'],
  'psp/host_ipc.json': ['K8S_HostNamespacePod'],
  'psp/host_network.json': ['K8S_HostNamespacePod'],
  'psp/host_network_ports.json': ['K8S_HostNamespacePod'],
  'psp/host_pid.json': ['K8S_HostNamespacePod'],
  'psp/mount_etc_using_host_path.json': ['K8S_SensitiveMount'],
  'psp/privileged.json': ['K8S_PrivilegedContainer'],
};

function filesUnder(dir: string): string[] {
  return readdirSync(`${root}${dir}`)
    .filter((name) => name.endsWith('.json') || name.endsWith('.jsonl'))
    .map((name) => `${dir}/${name}`);
}

const files = [
  ...filesUnder('k8s-audit/falco-trace-files/k8s_audit'),
  ...filesUnder('k8s-audit/falco-trace-files/psp'),
  ...filesUnder('eks-cloudwatch'),
];

async function alertTypesOf(file: string): Promise<string[]> {
  const alerts: Alert[] = [];
  await scanFiles([`${root}${file}`], {
    pack,
    onAlert: (alert) => alerts.push(alert),
  });
  return alerts.map((alert) => alert.alertType).sort();
}

describe('scan of the sample logs', () => {
  it('finds every listed file', () => {
    const known = files.map((f) => f.replace(/^.*falco-trace-files\//, ''));
    expect(Object.keys(EXPECTED).filter((f) => !known.includes(f))).toEqual([]);
  });

  it.each(files)('%s raises what its events show', async (file) => {
    const key = file.replace(/^.*falco-trace-files\//, '');
    expect(await alertTypesOf(file)).toEqual(EXPECTED[key] ?? []);
  });

  it('reports the malformed sample and reads nothing from it', async () => {
    const diagnostics: string[] = [];
    const summary = await scanFiles(
      [`${root}k8s-audit/falco-trace-files/k8s_audit/fal_01_003.json`],
      {
        pack,
        onAlert: () => {},
        onDiagnostic: (d) => diagnostics.push(`${d.line}: ${d.code}`),
      },
    );
    expect(diagnostics).toEqual(['1: unknown-format']);
    expect(summary.records).toBe(0);
  });

  // The PSP samples repeat requests across files: 32 records, 18 audit IDs.
  it('counts each request once', async () => {
    const summary = await scanFiles(
      filesUnder('k8s-audit/falco-trace-files/psp').map((f) => `${root}${f}`),
      { pack, onAlert: () => {} },
    );
    expect(summary.records).toBe(32);
    expect(summary.requests).toBe(18);
  });
});
