import type { AuditRecord } from '../../sources/event.js';
import type { EventContext } from '../event-context.js';
import { onlyArgs, type PredicateDefinition } from './predicate-registry.js';

function record(context: EventContext): AuditRecord | undefined {
  return context.event.kind === 'k8s-audit' ? context.event.audit : undefined;
}

/** True when the request asked for a dry run, which stores nothing. */
export function isDryRun(audit: AuditRecord): boolean {
  const query = audit.requestURI.indexOf('?');
  if (query < 0) return false;
  const params = new URLSearchParams(audit.requestURI.slice(query + 1));
  return params.getAll('dryRun').some((value) => value !== '');
}

/**
 * True when the API server authorized the request. Denied requests answer
 * 401 or 403, or carry the `forbid` decision annotation.
 */
export function isAllowed(audit: AuditRecord): boolean {
  const code = audit.responseStatus?.code;
  if (code === 401 || code === 403) return false;
  return audit.annotations['authorization.k8s.io/decision'] !== 'forbid';
}

/**
 * True when the request changed the cluster's state: it was allowed, it
 * succeeded (a 2xx code), and it was not a dry run. An event with no
 * response status yet (the RequestReceived stage) has changed nothing
 * known.
 */
export function changedState(audit: AuditRecord): boolean {
  const code = audit.responseStatus?.code;
  if (code === undefined || code < 200 || code > 299) return false;
  return isAllowed(audit) && !isDryRun(audit);
}

export const REQUEST_OUTCOME_PREDICATES: PredicateDefinition[] = [
  {
    name: 'request-changed-state',
    description:
      'The request was allowed, succeeded (2xx) and was not a dry run.',
    compile(args) {
      onlyArgs(args, []);
      return (_item, context) => {
        const audit = record(context);
        return audit !== undefined && changedState(audit);
      };
    },
  },
  {
    name: 'request-allowed',
    description:
      'The API server authorized the request (no 401, 403 or forbid).',
    compile(args) {
      onlyArgs(args, []);
      return (_item, context) => {
        const audit = record(context);
        return audit !== undefined && isAllowed(audit);
      };
    },
  },
];
