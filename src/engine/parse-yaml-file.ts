import { readFileSync } from 'node:fs';
import { isNode, LineCounter, type ParsedNode, parseDocument } from 'yaml';
import type { z } from 'zod';

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

/** A parsed YAML file that can tell the line of a value by its path. */
export interface ParsedFile {
  file: string;
  data: unknown;
  locate(path: ReadonlyArray<string | number>): number;
}

/** Parse a YAML file, or throw a RulePackError at the first problem. */
export function parseYamlFile(file: string, displayName: string): ParsedFile {
  return parseYamlText(readFileSync(file, 'utf8'), displayName);
}

/** Parse YAML text read from `displayName`, as parseYamlFile does. */
export function parseYamlText(text: string, displayName: string): ParsedFile {
  const lineCounter = new LineCounter();
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
