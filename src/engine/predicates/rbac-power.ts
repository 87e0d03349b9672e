import { isObject } from '../views/object-after.js';
import {
  onlyArgs,
  type PredicateDefinition,
  stringListArg,
} from './predicate-registry.js';

/** The kinds of control over a cluster that an RBAC rule can grant. */
export const RBAC_POWERS = [
  'wildcard',
  'escalate',
  'bind',
  'impersonate',
  'read-secrets',
  'pods-exec',
  'nodes-proxy',
  'serviceaccount-token',
  'rbac-wildcard',
] as const;

export type RbacPower = (typeof RBAC_POWERS)[number];

interface PolicyRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
}

function strings(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : [];
}

function asPolicyRule(value: unknown): PolicyRule | undefined {
  if (!isObject(value)) return undefined;
  return {
    verbs: strings(value.verbs),
    apiGroups: strings(value.apiGroups),
    resources: strings(value.resources),
    resourceNames: strings(value.resourceNames),
  };
}

function grants(
  rule: PolicyRule,
  verbs: string[],
  group: string,
  resource: string,
): boolean {
  const verbOk =
    rule.verbs.includes('*') || verbs.some((v) => rule.verbs.includes(v));
  const groupOk =
    rule.apiGroups.includes('*') || rule.apiGroups.includes(group);
  const [base] = resource.split('/');
  const resourceOk =
    rule.resources.includes('*') ||
    rule.resources.includes(resource) ||
    (resource.includes('/') && rule.resources.includes(`${base}/*`));
  return verbOk && groupOk && resourceOk;
}

/**
 * The powers an RBAC policy rule grants. A rule limited by `resourceNames`
 * grants the named objects only, so it counts for none of the
 * cluster-wide powers. Reading secrets counts only in a ClusterRole,
 * because a Role's reach ends at its namespace.
 */
export function rbacPowers(value: unknown, clusterWide: boolean): RbacPower[] {
  const rule = asPolicyRule(value);
  if (!rule || rule.resourceNames.length > 0) return [];

  const powers: RbacPower[] = [];
  const anyGroup = rule.apiGroups.includes('*');
  if (rule.verbs.includes('*') && rule.resources.includes('*') && anyGroup) {
    powers.push('wildcard');
  }
  const rbacGroup = 'rbac.authorization.k8s.io';
  if (
    rule.verbs.includes('escalate') ||
    (rule.verbs.includes('*') && grants(rule, ['escalate'], rbacGroup, 'roles'))
  ) {
    powers.push('escalate');
  }
  if (grants(rule, ['bind'], rbacGroup, 'clusterroles')) powers.push('bind');
  if (
    grants(rule, ['impersonate'], '', 'users') ||
    grants(rule, ['impersonate'], '', 'groups') ||
    grants(rule, ['impersonate'], '', 'serviceaccounts')
  ) {
    powers.push('impersonate');
  }
  if (clusterWide && grants(rule, ['get', 'list', 'watch'], '', 'secrets')) {
    powers.push('read-secrets');
  }
  // The API server authorizes a WebSocket exec as `get` on pods/exec
  // unless AuthorizePodWebsocketUpgradeCreatePermission (beta and on by
  // default from Kubernetes 1.35) also requires `create`.
  if (grants(rule, ['create', 'get'], '', 'pods/exec')) {
    powers.push('pods-exec');
  }
  if (grants(rule, ['get', 'create'], '', 'nodes/proxy')) {
    powers.push('nodes-proxy');
  }
  if (grants(rule, ['create'], '', 'serviceaccounts/token')) {
    powers.push('serviceaccount-token');
  }
  if (
    rule.verbs.includes('*') &&
    (anyGroup || rule.apiGroups.includes(rbacGroup)) &&
    rule.resources.includes('*')
  ) {
    powers.push('rbac-wildcard');
  }
  return powers;
}

export const RBAC_PREDICATES: PredicateDefinition[] = [
  {
    name: 'rbac-rule-power',
    description:
      'The current RBAC policy rule grants one of the listed `powers`; ' +
      'the powers found are captured as `powers`.',
    compile(args) {
      onlyArgs(args, ['powers']);
      const wanted = stringListArg(args, 'powers');
      for (const power of wanted) {
        if (!(RBAC_POWERS as readonly string[]).includes(power)) {
          throw new Error(
            `unknown RBAC power ${power}; expected one of ${RBAC_POWERS.join(', ')}`,
          );
        }
      }
      return (item, context) => {
        const clusterWide =
          context.event.kind === 'k8s-audit' &&
          context.event.audit.objectRef?.resource === 'clusterroles';
        const found = rbacPowers(item, clusterWide).filter((p) =>
          wanted.includes(p),
        );
        if (found.length > 0) context.capture('powers', found);
        return found.length > 0;
      };
    },
  },
];
