import { csrSubjectView } from './csr-subject.js';
import { FLOW_ENDPOINTS_VIEW } from './flow-views.js';
import { HOST_NAMESPACES_VIEW } from './host-namespaces.js';
import { HOST_VIEWS } from './host-views.js';
import { K8S_VIEWS } from './k8s-views.js';
import { NODE_VIEWS } from './node-views.js';
import { POD_LABELS_VIEW } from './pod-labels.js';
import { SERVICE_PORTS_VIEW } from './service-ports.js';
import type { ViewRegistry } from './view-registry.js';

/** Every view that field paths may start with. */
export const VIEWS: ViewRegistry = new Map([
  ...K8S_VIEWS,
  ...HOST_VIEWS,
  ...NODE_VIEWS,
  ['csrSubject', csrSubjectView],
  SERVICE_PORTS_VIEW,
  POD_LABELS_VIEW,
  HOST_NAMESPACES_VIEW,
  FLOW_ENDPOINTS_VIEW,
]);
