import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeTestEvent } from '../src/cli/normalize-test-event.js';
import { renderAlertsReference } from '../src/cli/render-alerts-reference.js';
import { loadRulePack } from '../src/engine/load-rules.js';
import { defaultRulePackDir } from '../src/engine/rule-pack-dir.js';
import { runRuleTests } from '../src/engine/run-rule-tests.js';

const pack = loadRulePack(defaultRulePackDir());

/** Cluster alert types of the catalog, and this project's own additions. */
const CLUSTER_TYPES = [
  'K8S_PrivilegedContainer',
  'K8S_SensitiveMount',
  'K8S_ClusterAdminBinding',
  'K8S_HighPrivilegesRole',
  'K8S_ExposedDashboard',
  'K8S_ExposedKubeflow',
  'K8S_ExposedRedis',
  'K8S_ExposedPostgresTrustAuth',
  'K8S_ExposedPostgresBroadIPRange',
  'K8S_ExposedService',
  'K8S_KubeSystemContainer',
  'K8S_MaliciousContainerImage',
  'K8S_DeleteEvents',
  'K8S_CoreDnsModification',
  'K8S_AdmissionController',
  'K8S_TI_Proxy',
  'K8S_PenTestToolsKubeHunter',
  'K8S_ServiceAccountRareOperation',
  'K8S_PodExec',
  'K8S_PodExecKubeSystem',
  'K8S_EphemeralContainer',
  'K8S_PortForward',
  'K8S_AnonymousAccessAllowed',
  'K8S_AnonymousBinding',
  'K8S_HostNamespacePod',
  'K8S_DangerousCapabilities',
  'K8S_SecretsEnumeration',
  'K8S_ServiceAccountTokenRequest',
  'K8S_Impersonation',
  'K8S_NodeProxy',
  'K8S_CsrApproved',
  'K8S_TI_MaliciousIP',
];

describe('rule pack', () => {
  it('covers every cluster alert type', () => {
    const ids = new Set(pack.rules.map((rule) => rule.id));
    expect(CLUSTER_TYPES.filter((id) => !ids.has(id))).toEqual([]);
  });

  it.each(pack.rules.map((rule) => [rule.id, rule] as const))(
    '%s has positive and near-miss cases',
    (_id, rule) => {
      const kinds = new Set(rule.meta.tests.map((test) => test.expect));
      expect(kinds.has('alert')).toBe(true);
      expect(kinds.has('none')).toBe(true);
    },
  );

  it.each(pack.rules.map((rule) => [rule.id, rule] as const))(
    '%s lives under its level folder',
    (id, rule) => {
      const level = id.startsWith('K8S.NODE_')
        ? 'node'
        : id.startsWith('NET_')
          ? 'network'
          : 'cluster';
      expect(rule.file.split('/')[0]).toBe(level);
    },
  );

  it('has unique test names within each rule', () => {
    const repeated = pack.rules.flatMap((rule) => {
      const names = rule.meta.tests.map((test) => test.name);
      return names
        .filter((name, i) => names.indexOf(name) !== i)
        .map((name) => `${rule.id}: ${name}`);
    });
    expect(repeated).toEqual([]);
  });

  it('passes every rule test case', () => {
    const failures = runRuleTests(pack, normalizeTestEvent)
      .filter((result) => !result.passed)
      .map((r) => `${r.rule} ${r.name}: ${r.failures.join('; ')}`);
    expect(failures).toEqual([]);
  });

  it('matches the generated alerts reference', () => {
    const written = readFileSync(
      new URL('../docs/alerts.md', import.meta.url),
      'utf8',
    );
    expect(written, 'run `vigil rules docs` to regenerate').toBe(
      renderAlertsReference(pack),
    );
  });
});
