import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';

/** A web shell signature: a file matches when it contains every needle. */
export interface WebshellSignature {
  name: string;
  /** Needles, lower case and without whitespace, as contents are matched. */
  needles: string[];
}

/** A signature item that could not be used, with its location. */
export interface SignatureProblem {
  file: string;
  line: number;
  reason: string;
}

const listSchema = z.object({
  items: z.array(z.unknown()),
});

/** Lower case and strip whitespace, the form that contents are matched in. */
export function normalizeContent(text: string): string {
  return text.toLowerCase().replace(/\s+/g, '');
}

/**
 * Read web shell signatures from a rule-pack list file whose items are
 * `NAME | NEEDLE [| NEEDLE…]`. Items without a name or a needle are
 * reported with their line and skipped, and so are items with a needle
 * shorter than six characters, because it would match ordinary code.
 */
export function readWebshellSignatures(file: string): {
  signatures: WebshellSignature[];
  problems: SignatureProblem[];
} {
  const lineCounter = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter });
  const problems: SignatureProblem[] = [];
  const signatures: WebshellSignature[] = [];
  const parsed = listSchema.safeParse(doc.toJS());
  if (doc.errors.length > 0 || !parsed.success) {
    problems.push({ file, line: 1, reason: 'expected a list file with items' });
    return { signatures, problems };
  }

  for (const [i, item] of parsed.data.items.entries()) {
    const node = doc.getIn(['items', i], true) as { range?: number[] };
    const line = node?.range ? lineCounter.linePos(node.range[0] ?? 0).line : 1;
    if (typeof item !== 'string') {
      problems.push({ file, line, reason: 'a signature must be a string' });
      continue;
    }
    const [name = '', ...raw] = item.split('|').map((part) => part.trim());
    const needles = raw.map(normalizeContent).filter((n) => n.length > 0);
    if (!/^[a-z0-9-]+$/.test(name) || needles.length === 0) {
      problems.push({
        file,
        line,
        reason: 'expected NAME | NEEDLE [| NEEDLE…] with a kebab-case name',
      });
      continue;
    }
    if (needles.some((needle) => needle.length < 6)) {
      problems.push({
        file,
        line,
        reason: `signature ${name} has a needle shorter than 6 characters`,
      });
      continue;
    }
    signatures.push({ name, needles });
  }
  return { signatures, problems };
}

/** List the names of the signatures that normalized content matches. */
export function matchSignatures(
  normalized: string,
  signatures: readonly WebshellSignature[],
): string[] {
  return signatures
    .filter((s) => s.needles.every((needle) => normalized.includes(needle)))
    .map((s) => s.name);
}
