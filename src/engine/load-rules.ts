import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import type { ConditionEnvironment } from './compile-condition.js';
import { type CompiledRule, compileRule } from './compile-rule.js';
import { parseRuleFile } from './parse-rule-file.js';
import {
  type ParsedFile,
  parseYamlFile,
  RulePackError,
  zodProblem,
} from './parse-yaml-file.js';
import { PREDICATES } from './predicates/index.js';
import { RuleError } from './rule-error.js';
import type { RuleFile } from './rule-schema.js';
import { VIEWS } from './views/index.js';

export {
  type ParsedFile,
  parseYamlFile,
  RulePackError,
  zodProblem,
} from './parse-yaml-file.js';

/** The loaded rule pack: compiled rules and the named lists they use. */
export interface RulePack {
  rules: CompiledRule[];
  lists: ReadonlyMap<string, readonly string[]>;
}

const listFileSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9-]+$/),
  description: z.string().min(1),
  items: z.array(z.string().min(1)).min(1),
});

function yamlFilesUnder(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...yamlFilesUnder(path));
    else if (name.endsWith('.yaml') || name.endsWith('.yml')) files.push(path);
  }
  return files;
}

/**
 * Load the rule pack under `dir`: named lists from `lists/`, then one rule
 * per YAML file everywhere else. Throws a RulePackError with file, line and
 * reason on the first problem. Test cases are parsed and validated when
 * first read (see parseRuleFile and checkRuleTests).
 */
export function loadRulePack(dir: string): RulePack {
  const lists = new Map<string, readonly string[]>();
  const ruleFiles: string[] = [];
  for (const file of yamlFilesUnder(dir)) {
    const name = relative(dir, file);
    if (name.startsWith(`lists/`)) loadList(file, name, lists);
    else ruleFiles.push(file);
  }

  const rules: CompiledRule[] = [];
  const ids = new Map<string, string>();
  for (const file of ruleFiles) {
    const name = relative(dir, file);
    const { rule, parsed } = parseRuleFile(readFileSync(file, 'utf8'), name);

    const previous = ids.get(rule.id);
    if (previous) {
      throw new RulePackError(
        name,
        parsed.locate(['id']),
        `rule id ${rule.id} is also used by ${previous}`,
      );
    }
    ids.set(rule.id, name);
    rules.push(compileLocated(rule, parsed, lists));
  }
  return { rules, lists };
}

/**
 * Parse and validate the test cases of every rule, which loadRulePack
 * leaves for later. Throws the RulePackError of the first invalid case.
 */
export function checkRuleTests(pack: RulePack): void {
  // Reading `tests` parses the section of a file loaded without it.
  for (const rule of pack.rules) void rule.meta.tests;
}

/** What conditions in files that use these lists can refer to. */
export function conditionEnvironment(
  lists: ReadonlyMap<string, readonly string[]>,
): ConditionEnvironment {
  return {
    views: VIEWS,
    predicates: PREDICATES,
    list(name) {
      const items = lists.get(name);
      if (!items) throw new Error(`unknown list ${JSON.stringify(name)}`);
      return items;
    },
  };
}

/** Run a compile step, turning a RuleError into a located one. */
export function located<T>(parsed: ParsedFile, compile: () => T): T {
  try {
    return compile();
  } catch (error) {
    if (error instanceof RuleError) {
      throw new RulePackError(
        parsed.file,
        parsed.locate(error.path),
        error.message,
      );
    }
    throw error;
  }
}

function compileLocated(
  rule: RuleFile,
  parsed: ParsedFile,
  lists: ReadonlyMap<string, readonly string[]>,
): CompiledRule {
  return located(parsed, () =>
    compileRule(rule, parsed.file, conditionEnvironment(lists)),
  );
}

function loadList(
  file: string,
  name: string,
  lists: Map<string, readonly string[]>,
): void {
  const parsed = parseYamlFile(file, name);
  const result = listFileSchema.safeParse(parsed.data);
  if (!result.success) throw zodProblem(parsed, result.error);
  if (lists.has(result.data.name)) {
    throw new RulePackError(
      name,
      parsed.locate(['name']),
      `list ${result.data.name} is defined twice`,
    );
  }
  lists.set(result.data.name, result.data.items);
}
