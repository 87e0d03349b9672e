import type { AuditRecord } from '../../sources/event.js';
import { onlyArgs, type PredicateDefinition } from './predicate-registry.js';

/**
 * True when a service account makes a request on itself: the requesting
 * user is `system:serviceaccount:NAMESPACE:NAME` and the request's
 * objectRef names the service account NAME in NAMESPACE, as when an
 * account requests its own token (`serviceaccounts/token`).
 */
export function isRequestByTargetServiceAccount(audit: AuditRecord): boolean {
  const ref = audit.objectRef;
  if (ref?.resource !== 'serviceaccounts') return false;
  if (!ref.namespace || !ref.name) return false;
  const self = `system:serviceaccount:${ref.namespace}:${ref.name}`;
  return audit.user.username === self;
}

export const TARGET_SERVICE_ACCOUNT_PREDICATES: PredicateDefinition[] = [
  {
    name: 'request-by-target-service-account',
    description:
      'The requesting user is the service account that objectRef names.',
    compile(args) {
      onlyArgs(args, []);
      return (_item, context) =>
        context.event.kind === 'k8s-audit' &&
        isRequestByTargetServiceAccount(context.event.audit);
    },
  },
];
