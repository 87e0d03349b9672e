import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/**
 * Writes a synthetic API server audit log in the log backend's format (one
 * audit.k8s.io/v1 Event per line), shaped like a busy production cluster:
 * mostly lease renewals, watches, lists and status patches by the control
 * plane and kubelets, some workload changes by controllers and users, and
 * a few suspicious requests.
 */

const NODES = Array.from(
  { length: 50 },
  (_, i) => `aks-pool1-${30000000 + i}-vmss0000${i}`,
);
const NAMESPACES = [
  'default',
  'payments',
  'web',
  'kube-system',
  'monitoring',
  'batch',
];

let counter = 0;
let clock = Date.parse('2026-11-02T00:00:00Z');

function auditId(): string {
  counter++;
  const hex = counter.toString(16).padStart(12, '0');
  return `3c8f6a2e-51b4-4c1d-9e7a-${hex}`;
}

function pick<T>(items: readonly T[], n: number): T {
  return items[n % items.length] as T;
}

function base(
  verb: string,
  uri: string,
  user: unknown,
  ref: unknown,
  code: number,
) {
  clock += 2;
  // Audit timestamps carry microseconds.
  const time = `${new Date(clock).toISOString().slice(0, 23)}417Z`;
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: auditId(),
    stage: 'ResponseComplete',
    requestURI: uri,
    verb,
    user,
    sourceIPs: ['10.224.0.4'],
    userAgent:
      'kube-controller-manager/v1.30.2 (linux/amd64) kubernetes/3968350/leader-election',
    objectRef: ref,
    responseStatus: { metadata: {}, code },
    requestReceivedTimestamp: time,
    stageTimestamp: time,
    annotations: {
      'authorization.k8s.io/decision': 'allow',
      'authorization.k8s.io/reason':
        'RBAC: allowed by ClusterRoleBinding "system:kube-controller-manager" of ClusterRole "system:kube-controller-manager" to User "system:kube-controller-manager"',
    },
  };
}

const controllerManager = {
  username: 'system:kube-controller-manager',
  groups: ['system:authenticated'],
};

function leaseUpdate(n: number) {
  const name = pick(
    ['kube-controller-manager', 'kube-scheduler', 'cloud-controller-manager'],
    n,
  );
  return base(
    'update',
    `/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/${name}?timeout=5s`,
    controllerManager,
    {
      resource: 'leases',
      namespace: 'kube-system',
      name,
      apiGroup: 'coordination.k8s.io',
      apiVersion: 'v1',
    },
    200,
  );
}

function nodeLease(n: number) {
  const node = pick(NODES, n);
  const event = base(
    'update',
    `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${node}?timeout=10s`,
    {
      username: `system:node:${node}`,
      groups: ['system:nodes', 'system:authenticated'],
    },
    {
      resource: 'leases',
      namespace: 'kube-node-lease',
      name: node,
      apiGroup: 'coordination.k8s.io',
      apiVersion: 'v1',
    },
    200,
  );
  event.userAgent = 'kubelet/v1.30.2 (linux/amd64) kubernetes/3968350';
  event.sourceIPs = [`10.224.0.${(n % 200) + 10}`];
  return event;
}

function watchList(n: number) {
  const resource = pick(
    ['pods', 'services', 'endpoints', 'configmaps', 'nodes'],
    n,
  );
  const event = base(
    n % 3 === 0 ? 'list' : 'watch',
    `/api/v1/${resource}?allowWatchBookmarks=true&resourceVersion=${1000000 + n}&timeout=7m24s&watch=true`,
    {
      username: 'system:serviceaccount:kube-system:coredns',
      groups: [
        'system:serviceaccounts',
        'system:serviceaccounts:kube-system',
        'system:authenticated',
      ],
    },
    { resource, apiVersion: 'v1' },
    200,
  );
  event.userAgent = 'coredns/v1.11.1 (linux/amd64) kubernetes/4c5f2f6';
  return event;
}

function podStatusPatch(n: number) {
  const node = pick(NODES, n);
  const namespace = pick(NAMESPACES, n);
  const name = `api-7d9c8b6f5-${(n % 9973).toString(36)}`;
  const event = base(
    'patch',
    `/api/v1/namespaces/${namespace}/pods/${name}/status`,
    {
      username: `system:node:${node}`,
      groups: ['system:nodes', 'system:authenticated'],
    },
    {
      resource: 'pods',
      subresource: 'status',
      namespace,
      name,
      apiVersion: 'v1',
    },
    200,
  );
  event.userAgent = 'kubelet/v1.30.2 (linux/amd64) kubernetes/3968350';
  return event;
}

function eventCreate(n: number) {
  const namespace = pick(NAMESPACES, n);
  return base(
    'create',
    `/api/v1/namespaces/${namespace}/events`,
    controllerManager,
    { resource: 'events', namespace, apiVersion: 'v1' },
    201,
  );
}

function secretGet(n: number) {
  const namespace = pick(NAMESPACES, n);
  const event = base(
    'get',
    `/api/v1/namespaces/${namespace}/secrets/db-credentials`,
    {
      username: `system:serviceaccount:${namespace}:api`,
      groups: [
        'system:serviceaccounts',
        `system:serviceaccounts:${namespace}`,
        'system:authenticated',
      ],
    },
    {
      resource: 'secrets',
      namespace,
      name: 'db-credentials',
      apiVersion: 'v1',
    },
    200,
  );
  event.userAgent = 'api/v2.4.1 (linux/amd64)';
  return event;
}

function podCreate(n: number, privileged: boolean) {
  const namespace = pick(
    NAMESPACES.filter((ns) => ns !== 'kube-system'),
    n,
  );
  const name = `worker-5f7d8c9b4-${(n % 99991).toString(36)}`;
  const spec = {
    volumes: [
      {
        name: 'kube-api-access-x2x7k',
        projected: {
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            {
              configMap: {
                name: 'kube-root-ca.crt',
                items: [{ key: 'ca.crt', path: 'ca.crt' }],
              },
            },
          ],
          defaultMode: 420,
        },
      },
    ],
    containers: [
      {
        name: 'worker',
        image: 'contoso.azurecr.io/payments/worker:2.14.0',
        ports: [{ containerPort: 8080, protocol: 'TCP' }],
        env: [
          { name: 'LOG_LEVEL', value: 'info' },
          { name: 'QUEUE_URL', value: 'amqp://queue:5672' },
        ],
        resources: {
          limits: { cpu: '500m', memory: '512Mi' },
          requests: { cpu: '100m', memory: '128Mi' },
        },
        volumeMounts: [
          {
            name: 'kube-api-access-x2x7k',
            readOnly: true,
            mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
          },
        ],
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        imagePullPolicy: 'IfNotPresent',
        securityContext: privileged
          ? { privileged: true }
          : { runAsNonRoot: true, allowPrivilegeEscalation: false },
      },
    ],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    serviceAccountName: 'worker',
    securityContext: {},
    schedulerName: 'default-scheduler',
  };
  const object = {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name,
      generateName: 'worker-5f7d8c9b4-',
      namespace,
      labels: { app: 'worker', 'pod-template-hash': '5f7d8c9b4' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'worker-5f7d8c9b4',
          uid: 'c1f7a9e2-7b3d-4a51-9c0e-2f1d7c3b9a10',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec,
    status: { phase: 'Pending', qosClass: 'Burstable' },
  };
  const event = {
    ...base(
      'create',
      `/api/v1/namespaces/${namespace}/pods`,
      {
        username: 'system:serviceaccount:kube-system:replicaset-controller',
        groups: [
          'system:serviceaccounts',
          'system:serviceaccounts:kube-system',
          'system:authenticated',
        ],
      },
      { resource: 'pods', namespace, name, apiVersion: 'v1' },
      201,
    ),
    level: 'RequestResponse',
    requestObject: object,
    responseObject: object,
  };
  return event;
}

function clusterAdminBinding() {
  const binding = {
    kind: 'ClusterRoleBinding',
    apiVersion: 'rbac.authorization.k8s.io/v1',
    metadata: { name: 'ops-admin' },
    subjects: [
      {
        kind: 'User',
        apiGroup: 'rbac.authorization.k8s.io',
        name: 'mallory@example.com',
      },
    ],
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'cluster-admin',
    },
  };
  const event = {
    ...base(
      'create',
      '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
      { username: 'mallory@example.com', groups: ['system:authenticated'] },
      {
        resource: 'clusterrolebindings',
        name: 'ops-admin',
        apiGroup: 'rbac.authorization.k8s.io',
        apiVersion: 'v1',
      },
      201,
    ),
    level: 'RequestResponse',
    requestObject: binding,
    responseObject: binding,
  };
  event.userAgent = 'kubectl/v1.30.2 (linux/amd64) kubernetes/3968350';
  event.sourceIPs = ['203.0.113.50'];
  return event;
}

/** One event of the mix, chosen by its position in the file. */
export function mixedEvent(n: number): unknown {
  const slot = n % 1000;
  if (slot === 999)
    return n % 10000 === 9999
      ? clusterAdminBinding()
      : podCreate(n, n % 20000 === 999);
  if (slot >= 990) return podCreate(n, false);
  if (slot < 300) return nodeLease(n);
  if (slot < 450) return leaseUpdate(n);
  if (slot < 650) return watchList(n);
  if (slot < 850) return podStatusPatch(n);
  if (slot < 930) return eventCreate(n);
  return secretGet(n);
}

/** Write `count` events to `file`; returns the bytes written. */
export async function generateAuditLog(
  file: string,
  count: number,
): Promise<number> {
  const out = createWriteStream(file);
  let bytes = 0;
  for (let n = 0; n < count; n++) {
    const line = `${JSON.stringify(mixedEvent(n))}\n`;
    bytes += line.length;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}
