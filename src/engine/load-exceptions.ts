import { z } from 'zod';
import { compileException } from './compile-rule.js';
import {
  conditionEnvironment,
  located,
  parseYamlFile,
  type RulePack,
  RulePackError,
  zodProblem,
} from './load-rules.js';
import { exceptionSchema } from './rule-schema.js';

const exceptionsFileSchema = z.strictObject({
  exceptions: z.array(exceptionSchema.extend({ rule: z.string().min(1) })),
});

/**
 * Add a user's exceptions to a loaded rule pack. The file lives outside
 * rules/, so tuning survives an upgrade of the pack:
 *
 * ```yaml
 * exceptions:
 *   - name: ci-runners
 *     rule: K8S_PrivilegedContainer
 *     reason: The CI namespace builds images in privileged pods.
 *     expires: 2027-06-30
 *     condition: { field: audit.objectRef.namespace, equals: ci }
 * ```
 *
 * Returns a new pack; the given one is unchanged. Throws a RulePackError
 * with file and line on an unknown rule, a repeated name or a bad
 * condition.
 */
export function withExceptionsFile(pack: RulePack, file: string): RulePack {
  const parsed = parseYamlFile(file, file);
  const result = exceptionsFileSchema.safeParse(parsed.data);
  if (!result.success) throw zodProblem(parsed, result.error);

  const env = conditionEnvironment(pack.lists);
  const rules = pack.rules.map((rule) => ({
    ...rule,
    exceptions: [...rule.exceptions],
  }));
  for (const [i, entry] of result.data.exceptions.entries()) {
    const rule = rules.find((r) => r.id === entry.rule);
    if (!rule) {
      throw new RulePackError(
        file,
        parsed.locate(['exceptions', i, 'rule']),
        `unknown rule ${entry.rule}; run vigil rules list for the alert types`,
      );
    }
    if (rule.exceptions.some((e) => e.name === entry.name)) {
      throw new RulePackError(
        file,
        parsed.locate(['exceptions', i, 'name']),
        `rule ${entry.rule} already has an exception named ${entry.name}`,
      );
    }
    const path = ['exceptions', i];
    rule.exceptions.push(
      located(parsed, () => compileException(entry, env, path)),
    );
  }
  return { ...pack, rules };
}
