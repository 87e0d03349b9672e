import { describe, expect, it } from 'vitest';
import { loadRulePack } from '../src/engine/load-rules.js';
import { defaultRulePackDir } from '../src/engine/rule-pack-dir.js';

/** Node alert types: id, title, severity and tactics as the catalog has them. */
const NODE_TYPES: [string, string, string, string[]][] = [
  [
    'K8S.NODE_Webshell',
    'Possible malicious web shell detected',
    'Medium',
    ['Persistence', 'Exploitation'],
  ],
  [
    'K8S.NODE_ContainerSSH',
    'SSH server is running inside a container',
    'Informational',
    ['Execution'],
  ],
  [
    'K8S.NODE_PrivilegedContainerArtifacts',
    'Container running in privileged mode',
    'Informational',
    ['PrivilegeEscalation', 'Execution'],
  ],
  [
    'K8S.NODE_PrivilegedExecutionInContainer',
    'Command within a container running with high privileges',
    'Informational',
    ['PrivilegeEscalation'],
  ],
  [
    'K8S.NODE_KubernetesAPI',
    'Suspicious request to Kubernetes API',
    'Medium',
    ['LateralMovement'],
  ],
  [
    'K8S.NODE_KubernetesDashboard',
    'Suspicious request to the Kubernetes Dashboard',
    'Medium',
    ['LateralMovement'],
  ],
  [
    'K8S.NODE_DigitalCurrencyMining',
    'Digital currency mining related behavior detected',
    'High',
    ['Execution'],
  ],
  [
    'K8S.NODE_CryptoCoinMinerArtifacts',
    'Process associated with digital currency mining detected',
    'Medium',
    ['Execution', 'Exploitation'],
  ],
  [
    'K8S.NODE_CryptoCoinMinerExecution',
    'Potential crypto coin miner started',
    'Medium',
    ['Execution'],
  ],
  [
    'K8S.NODE_CryptoCoinMinerDownload',
    'Possible Cryptocoinminer download detected',
    'Medium',
    ['DefenseEvasion', 'CommandAndControl', 'Exploitation'],
  ],
  [
    'K8S.NODE_SuspectDownload',
    'Detected file download from a known malicious source',
    'Medium',
    ['Execution', 'CommandAndControl'],
  ],
  [
    'K8S.NODE_SuspectDownloadArtifacts',
    'Detected suspicious file download',
    'Informational',
    ['Persistence'],
  ],
  [
    'K8S.NODE_DownloadAndRunCombo',
    'Suspicious download then run activity',
    'Medium',
    ['Execution', 'CommandAndControl'],
  ],
  [
    'K8S.NODE_ReverseShell',
    'Potential reverse shell detected',
    'Medium',
    ['Exfiltration', 'Exploitation'],
  ],
  [
    'K8S.NODE_SuspectConnection',
    'An uncommon connection attempt detected',
    'Medium',
    ['Execution', 'Exfiltration'],
  ],
  [
    'K8S.NODE_SuspectPortForwarding',
    'Potential port forwarding to external IP address',
    'Medium',
    ['Exfiltration', 'CommandAndControl'],
  ],
  [
    'K8S.NODE_NamespaceCreation',
    'Attempt to create a new Linux namespace from a container detected',
    'Informational',
    ['PrivilegeEscalation'],
  ],
  [
    'K8S.NODE_ImageBuildOnNode',
    'Docker build operation detected on a Kubernetes node',
    'Informational',
    ['DefenseEvasion'],
  ],
  [
    'K8S.NODE_ImdsCall',
    'Access to cloud metadata service detected',
    'Medium',
    ['CredentialAccess'],
  ],
  [
    'K8S.NODE_KubeConfigAccess',
    'Access to kubelet kubeconfig file detected',
    'Medium',
    ['CredentialAccess'],
  ],
  [
    'K8S.NODE_SshKeyAccess',
    'Process seen accessing the SSH authorized keys file in an unusual way',
    'Informational',
    ['Persistence'],
  ],
  [
    'K8S.NODE_SuspectPasswordFileAccess',
    'Suspicious password access',
    'Informational',
    ['CredentialAccess'],
  ],
  [
    'K8S.NODE_SuspectPasswordChange',
    'Possible password change using crypt-method detected',
    'Medium',
    ['CredentialAccess'],
  ],
  [
    'K8S.NODE_SuspectUserAddition',
    'Detected suspicious use of the useradd command',
    'Medium',
    ['Persistence'],
  ],
  [
    'K8S.NODE_HistoryFileCleared',
    'A history file has been cleared',
    'Medium',
    ['DefenseEvasion'],
  ],
  [
    'K8S.NODE_SystemLogRemoval',
    'Possible log tampering activity detected',
    'Medium',
    ['DefenseEvasion'],
  ],
  [
    'K8S.NODE_TimestampTampering',
    'Suspicious file timestamp modification',
    'Low',
    ['Persistence', 'DefenseEvasion'],
  ],
  [
    'K8S.NODE_SuspectNohup',
    'Detected suspicious use of the nohup command',
    'Medium',
    ['Persistence', 'DefenseEvasion'],
  ],
  [
    'K8S.NODE_SuspectProcessTermination',
    'Security-related process termination detected',
    'Low',
    ['DefenseEvasion'],
  ],
  [
    'K8S.NODE_TimerServiceDisabled',
    'Attempt to stop apt-daily-upgrade.timer service detected',
    'Informational',
    ['DefenseEvasion'],
  ],
  [
    'K8S.NODE_KnownLinuxAttackTool',
    'Possible attack tool detected',
    'Medium',
    ['Execution', 'Discovery'],
  ],
  [
    'K8S.NODE_KnownLinuxCredentialAccessTool',
    'Possible credential access tool detected',
    'Medium',
    ['CredentialAccess'],
  ],
  [
    'K8S.NODE_KnownLinuxDDoSToolkit',
    'Indicators associated with DDoS toolkit detected',
    'Medium',
    ['Impact'],
  ],
  [
    'K8S.NODE_CommonBot',
    'Behavior similar to common Linux bots detected',
    'Medium',
    ['Execution', 'CommandAndControl'],
  ],
  [
    'K8S.NODE_LinuxBackdoorArtifact',
    'Possible backdoor detected',
    'Medium',
    ['Persistence', 'Execution'],
  ],
  [
    'K8S.NODE_ExploitAttempt',
    'Possible command line exploitation attempt',
    'Medium',
    ['Exploitation'],
  ],
  [
    'K8S.NODE_MitreCalderaTools',
    'MITRE Caldera agent detected',
    'Medium',
    ['Execution', 'CommandAndControl'],
  ],
  [
    'K8S.NODE_ReconnaissanceArtifactsBurst',
    'Burst of multiple reconnaissance commands',
    'Low',
    ['Discovery', 'Collection'],
  ],
  ['K8S.NODE_EICAR', 'Vigil test alert (not a threat)', 'High', ['Execution']],
  [
    'K8S.NODE_ExposedDockerDaemon',
    'Exposed Docker daemon detected',
    'Medium',
    ['Execution'],
  ],
  [
    'K8S.NODE_MaliciousIPConnection',
    'Communication with a suspicious IP address',
    'Medium',
    ['CommandAndControl'],
  ],
];

const pack = loadRulePack(defaultRulePackDir());
const byId = new Map(pack.rules.map((rule) => [rule.id, rule.meta]));

describe('node rule pack', () => {
  it.each(NODE_TYPES)(
    '%s matches the catalog',
    (id, title, severity, tactics) => {
      const meta = byId.get(id);
      expect(meta?.title).toBe(title);
      expect(meta?.severity).toBe(severity);
      expect(meta?.tactics).toEqual(tactics);
    },
  );

  it('has no node rule outside the catalog', () => {
    const known = new Set(NODE_TYPES.map(([id]) => id));
    const extra = pack.rules
      .map((rule) => rule.id)
      .filter((id) => id.startsWith('K8S.NODE_') && !known.has(id));
    expect(extra).toEqual([]);
  });

  it.each(NODE_TYPES.map(([id]) => [id]))('%s has four or more cases', (id) => {
    expect(byId.get(id)?.tests.length).toBeGreaterThanOrEqual(4);
  });
});
