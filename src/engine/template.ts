/** Alert entity fields that templates insert and alerts aggregate by. */
export const ENTITY_FIELDS = [
  'namespace',
  'pod',
  'workload',
  'containers',
  'images',
  'node',
  'process',
  'user',
  'impersonatedUser',
  'userAgent',
  'sourceIPs',
  'resources',
] as const;

/** Variables that description and remediation templates may use. */
export const TEMPLATE_VARIABLES = [
  'cluster',
  ...ENTITY_FIELDS,
  'verb',
  'count',
] as const;

type Part = string | { variable: string };

/** A template compiled from `{{name}}` placeholders over entities. */
export type Template = (values: Record<string, string>) => string;

/**
 * Compile a template. `{{details.NAME}}` reads a value the condition
 * captured; any other placeholder must be in TEMPLATE_VARIABLES. Values
 * are inserted as plain text: escaping is each output's job.
 */
export function compileTemplate(text: string, captures: string[]): Template {
  const parts: Part[] = [];
  const pattern = /\{\{\s*([A-Za-z.]+)\s*\}\}/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const name = match[1] as string;
    const known =
      (TEMPLATE_VARIABLES as readonly string[]).includes(name) ||
      (name.startsWith('details.') && captures.includes(name.slice(8)));
    if (!known) {
      throw new Error(
        `unknown template variable ${name}; expected one of ` +
          `${TEMPLATE_VARIABLES.join(', ')} or details.CAPTURE`,
      );
    }
    parts.push(text.slice(last, match.index));
    parts.push({ variable: name });
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  if (/\{\{|\}\}/.test(parts.filter((p) => typeof p === 'string').join(''))) {
    throw new Error('unbalanced {{ }} in template');
  }
  return (values) =>
    parts
      .map((part) =>
        typeof part === 'string' ? part : (values[part.variable] ?? 'unknown'),
      )
      .join('')
      .trim();
}
