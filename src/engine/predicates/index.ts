import { HOST_PATH_PREDICATES } from './host-path-predicates.js';
import { IMAGE_PREDICATES } from './image-list-predicates.js';
import { INTERNAL_LOAD_BALANCER_PREDICATES } from './internal-load-balancer.js';
import { NODE_COMMAND_PREDICATES } from './node-command-predicates.js';
import type {
  PredicateDefinition,
  PredicateRegistry,
} from './predicate-registry.js';
import { RBAC_PREDICATES } from './rbac-power.js';
import { REQUEST_OUTCOME_PREDICATES } from './request-outcome.js';
import { TARGET_SERVICE_ACCOUNT_PREDICATES } from './target-service-account.js';

const ALL: PredicateDefinition[] = [
  ...REQUEST_OUTCOME_PREDICATES,
  ...HOST_PATH_PREDICATES,
  ...RBAC_PREDICATES,
  ...TARGET_SERVICE_ACCOUNT_PREDICATES,
  ...IMAGE_PREDICATES,
  ...INTERNAL_LOAD_BALANCER_PREDICATES,
  ...NODE_COMMAND_PREDICATES,
];

/** Every predicate that rule files may name. */
export const PREDICATES: PredicateRegistry = new Map(
  ALL.map((definition) => [definition.name, definition]),
);
