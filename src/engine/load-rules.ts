import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isNode, LineCounter, type ParsedNode, parseDocument } from 'yaml';
import { z } from 'zod';
import type { ConditionEnvironment } from './compile-condition.js';
import { type CompiledRule, compileRule } from './compile-rule.js';
import { PREDICATES } from './predicates/index.js';
import { RuleError } from './rule-error.js';
import { type RuleFile, ruleFileSchema } from './rule-schema.js';
import { VIEWS } from './views/index.js';

/** A problem in the rule pack, located at a file and line. */
export class RulePackError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'RulePackError';
  }
}

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

/** A parsed YAML file that can tell the line of a value by its path. */
export interface ParsedFile {
  file: string;
  data: unknown;
  locate(path: ReadonlyArray<string | number>): number;
}

/** Parse a YAML file, or throw a RulePackError at the first problem. */
export function parseYamlFile(file: string, displayName: string): ParsedFile {
  const lineCounter = new LineCounter();
  const text = readFileSync(file, 'utf8');
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const [first] = doc.errors;
  if (first) {
    const line = first.linePos?.[0].line ?? 1;
    const [reason = first.message] = first.message.split('\n');
    throw new RulePackError(displayName, line, reason);
  }
  const locate = (path: ReadonlyArray<string | number>): number => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && (node as ParsedNode).range) {
        return lineCounter.linePos((node as ParsedNode).range[0]).line;
      }
    }
    return 1;
  };
  return { file: displayName, data: doc.toJS(), locate };
}

function yamlFilesUnder(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...yamlFilesUnder(path));
    else if (name.endsWith('.yaml') || name.endsWith('.yml')) files.push(path);
  }
  return files;
}

/** Turn the first schema problem into a located RulePackError. */
export function zodProblem(
  parsed: ParsedFile,
  error: z.ZodError,
): RulePackError {
  const [issue] = error.issues;
  if (!issue) return new RulePackError(parsed.file, 1, error.message);
  const where = issue.path.map((p) => (typeof p === 'symbol' ? '' : p));
  const field = where.length > 0 ? `${where.join('.')}: ` : '';
  let message = issue.message;
  let at: (string | number)[] = where;
  if (issue.code === 'invalid_type' && message.endsWith('received undefined')) {
    message = 'missing required field';
  }
  if (issue.code === 'unrecognized_keys') {
    message = `unknown field ${issue.keys.join(', ')}`;
    at = [...where, issue.keys[0] as string];
  }
  return new RulePackError(parsed.file, parsed.locate(at), field + message);
}

/**
 * Load the rule pack under `dir`: named lists from `lists/`, then one rule
 * per YAML file everywhere else. Throws a RulePackError with file, line and
 * reason on the first problem.
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
    const parsed = parseYamlFile(file, name);
    const result = ruleFileSchema.safeParse(parsed.data);
    if (!result.success) throw zodProblem(parsed, result.error);
    const rule: RuleFile = result.data;

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
