import type { Cluster } from '../../store/cluster-store.js';

/** The enrolment fields of an upload's response. */
export interface EnrolmentNotes {
  /** The cluster's enrolment time, ISO 8601. */
  enrolledAt: string;
  /** Sentences for people; empty when no event was skipped. */
  notes: string[];
}

/**
 * Explains the events of an upload that were skipped because they
 * happened before the cluster was enrolled: Vigil raises alerts only for
 * activity after a cluster was enrolled, so uploads cannot backfill
 * older logs. `vigil scan` reads those.
 */
export function enrolmentNotes(
  cluster: Cluster,
  beforeEnrolment: number,
): EnrolmentNotes {
  const enrolledAt = new Date(cluster.enrolledMs).toISOString();
  if (beforeEnrolment === 0) return { enrolledAt, notes: [] };

  const events = beforeEnrolment === 1 ? 'event' : 'events';
  const note =
    `Skipped ${beforeEnrolment} ${events} from before cluster ` +
    `${cluster.name} was enrolled at ${enrolledAt}: Vigil raises alerts ` +
    'only for activity after a cluster is enrolled. Run vigil scan on ' +
    'the file to check older activity.';
  return { enrolledAt, notes: [note] };
}
