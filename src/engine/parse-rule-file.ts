import {
  type ParsedFile,
  parseYamlText,
  RulePackError,
  zodProblem,
} from './parse-yaml-file.js';
import { type RuleFile, type RuleTest, ruleFileSchema } from './rule-schema.js';

/** A validated rule file and the YAML it came from. */
export interface ParsedRuleFile {
  rule: RuleFile;
  /** Locates values of every field but `tests`. */
  parsed: ParsedFile;
}

const ruleWithoutTestsSchema = ruleFileSchema.omit({ tests: true });

/** `tests:` at the start of a line, a top-level key in block style. */
const TESTS_KEY = /^tests:(?=[ \t\r\n]|$)/m;

/**
 * Parses and validates a rule file. The test events under `tests:` are
 * most of a file's YAML and only `vigil rules test` and lint read them,
 * so the section is left out here. It is parsed and validated on the
 * first read of `rule.tests`, which throws the RulePackError that an
 * invalid case raises. Files whose tests cannot be cut out as lines
 * (flow style, a quoted key) and files with any problem are parsed
 * whole, so a problem outside the tests throws here, as before.
 */
export function parseRuleFile(text: string, name: string): ParsedRuleFile {
  const head = withoutTestsSection(text);
  const lazy = head === undefined ? undefined : parseHead(head, text, name);
  return lazy ?? parseWhole(text, name);
}

function parseWhole(text: string, name: string): ParsedRuleFile {
  const parsed = parseYamlText(text, name);
  const result = ruleFileSchema.safeParse(parsed.data);
  if (!result.success) throw zodProblem(parsed, result.error);
  return { rule: result.data, parsed };
}

/** Parses the file without its tests; undefined when anything is wrong. */
function parseHead(
  head: string,
  text: string,
  name: string,
): ParsedRuleFile | undefined {
  let parsed: ParsedFile;
  try {
    parsed = parseYamlText(head, name);
  } catch (error) {
    if (error instanceof RulePackError) return undefined;
    throw error;
  }
  // A second `tests` key stays in the head; the whole parse reports it.
  const data = parsed.data;
  if (typeof data !== 'object' || data === null || 'tests' in data) {
    return undefined;
  }
  const result = ruleWithoutTestsSchema.safeParse(data);
  if (!result.success) return undefined;

  let tests: RuleTest[] | undefined;
  const rule = result.data as RuleFile;
  Object.defineProperty(rule, 'tests', {
    enumerable: true,
    get: () => {
      tests ??= parseWhole(text, name).rule.tests;
      return tests;
    },
  });
  return { rule, parsed };
}

/**
 * Returns `text` with the lines of its top-level `tests:` section made
 * empty, so that lines keep their numbers, or undefined without one.
 * The section runs to the next line that starts with anything but
 * blanks, a comment or an indentless sequence entry (`- `). YAML indents
 * the lines of every nested value, block scalars included, so no line of
 * another value starts with `tests:`.
 */
export function withoutTestsSection(text: string): string | undefined {
  const match = TESTS_KEY.exec(text);
  if (match === null) return undefined;
  const start = match.index;
  let end = text.length;
  let line = text.indexOf('\n', start) + 1;
  while (line > 0 && line < text.length) {
    if (!continuesSection(text, line)) {
      end = line;
      break;
    }
    line = text.indexOf('\n', line) + 1;
  }
  const blank = text.slice(start, end).replace(/[^\n]+/g, '');
  return text.slice(0, start) + blank + text.slice(end);
}

function continuesSection(text: string, line: number): boolean {
  const first = text.charCodeAt(line);
  // Space, tab, CR, LF and `#`.
  if (first === 32 || first === 9 || first === 13 || first === 10) {
    return true;
  }
  if (first === 35) return true;
  if (first !== 45) return false;
  // `- ` continues a sequence; `---` and `-x` do not.
  const next = text.charCodeAt(line + 1);
  return next === 32 || next === 9 || next === 13 || next === 10;
}
