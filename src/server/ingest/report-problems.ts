import type { AuditProblem } from '../../sources/k8s-audit/audit-problem.js';

/** Problems listed in one response; the count covers the rest. */
export const MAX_REPORTED_PROBLEMS = 100;

/** The unusable inputs of a request, as a response reports them. */
export interface ProblemReport {
  invalid: number;
  problems: AuditProblem[];
}

/** Returns the first problems and the total, for a response body. */
export function reportProblems(
  problems: readonly AuditProblem[],
): ProblemReport {
  return {
    invalid: problems.length,
    problems: problems.slice(0, MAX_REPORTED_PROBLEMS),
  };
}

/** Counts problems by code, for the dropped-events metric. */
export function countByCode(
  problems: readonly AuditProblem[],
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const problem of problems) {
    counts[problem.code] = (counts[problem.code] ?? 0) + 1;
  }
  return counts;
}
