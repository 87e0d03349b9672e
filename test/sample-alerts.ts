/**
 * What each real sample must raise, worked out by reading its events.
 * Keys are paths below falco-trace-files/ or the corpus root; files not
 * listed must raise nothing.
 */
export const SAMPLE_ALERTS: Record<string, string[]> = {
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
  // Benign control-plane traffic in every export format.
  'k8s-audit/elastic-test-audit-mixed.log': [],
  // aksService renewing a lease.
  'aks-diagnostics/elastic-test-kube-audit.log': [],
  // An anonymous probe of /HNAP1 that the API server denied.
  'gke-cloudlogging/elastic-test-k8s-nonmatching-resourcename.log': [],
  // A pod create that Binary Authorization rejected: nothing was stored.
  'gke-cloudlogging/qwiklabs-binauthz-pod-create-denied.json': [],
  // Anonymous GET /version (public) and a denied exploit probe.
  'eks-cloudwatch/panther-eks-audit-anonymous-scanner.jsonl': [],
};
