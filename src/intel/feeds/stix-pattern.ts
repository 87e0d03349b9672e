/**
 * A subset of the STIX 2.1 patterning language: the comparisons an
 * indicator store can hold. A pattern reduces to a list of
 * `(object path, value)` pairs when it is a disjunction (OR, at any
 * level) of `=`, `IN` or `ISSUBSET` comparisons; anything else (AND,
 * FOLLOWEDBY, negation, LIKE, MATCHES, qualifiers) cannot be expressed
 * as independent indicators and is reported.
 */

/** One value a pattern lists under an object path. */
export interface StixComparison {
  path: string;
  value: string;
}

export type StixPatternResult =
  | { ok: true; comparisons: StixComparison[] }
  | { ok: false; reason: string };

type Token =
  | { kind: 'punct'; text: string }
  | { kind: 'word'; text: string }
  | { kind: 'string'; text: string };

/** Maximum pattern length read, in characters. */
const MAX_PATTERN_LENGTH = 65_536;

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if ('[]()'.includes(c) || c === ',') {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else if (c === "'") {
      let text = '';
      i++;
      while (i < pattern.length && pattern[i] !== "'") {
        if (pattern[i] === '\\' && i + 1 < pattern.length) i++;
        text += pattern[i];
        i++;
      }
      if (i >= pattern.length) throw new Error('unterminated string');
      i++;
      tokens.push({ kind: 'string', text });
    } else {
      // Paths, operators and keywords run to the next space or bracket,
      // but a quoted path step (`hashes.'SHA-256'`) stays in the word.
      let text = '';
      while (i < pattern.length && !/[\s[\](),]/.test(pattern[i] as string)) {
        if (pattern[i] === "'") {
          const end = pattern.indexOf("'", i + 1);
          if (end < 0) throw new Error('unterminated path step');
          text += pattern.slice(i, end + 1);
          i = end + 1;
        } else {
          text += pattern[i];
          i++;
        }
      }
      tokens.push({ kind: 'word', text });
    }
  }
  return tokens;
}

class Parser {
  private at = 0;

  constructor(private readonly tokens: Token[]) {}

  /** A disjunction of observation expressions. */
  pattern(): StixComparison[] {
    const result = this.observation();
    while (this.peekWord('OR')) {
      this.at++;
      result.push(...this.observation());
    }
    const next = this.tokens[this.at];
    if (next) {
      throw new Error(
        next.kind === 'word'
          ? `${next.text} is not supported`
          : 'unexpected text',
      );
    }
    return result;
  }

  private observation(): StixComparison[] {
    if (this.peekPunct('(')) {
      this.at++;
      const inner = this.observation();
      while (this.peekWord('OR')) {
        this.at++;
        inner.push(...this.observation());
      }
      this.expect(')');
      return inner;
    }
    this.expect('[');
    const result = this.comparisons();
    this.expect(']');
    return result;
  }

  private comparisons(): StixComparison[] {
    const result = this.term();
    while (this.peekWord('OR')) {
      this.at++;
      result.push(...this.term());
    }
    if (this.peekWord('AND')) throw new Error('AND is not supported');
    return result;
  }

  private term(): StixComparison[] {
    if (this.peekPunct('(')) {
      this.at++;
      const inner = this.comparisons();
      this.expect(')');
      return inner;
    }
    const path = this.word();
    const operator = this.word().toUpperCase();
    if (operator === 'NOT') throw new Error('NOT is not supported');
    if (operator === '=' || operator === 'ISSUBSET') {
      return [{ path, value: this.string() }];
    }
    if (operator === 'IN') {
      this.expect('(');
      const values = [{ path, value: this.string() }];
      while (this.peekPunct(',')) {
        this.at++;
        values.push({ path, value: this.string() });
      }
      this.expect(')');
      return values;
    }
    throw new Error(`operator ${operator} is not supported`);
  }

  private peekWord(text: string): boolean {
    const token = this.tokens[this.at];
    return token?.kind === 'word' && token.text.toUpperCase() === text;
  }

  private peekPunct(text: string): boolean {
    const token = this.tokens[this.at];
    return token?.kind === 'punct' && token.text === text;
  }

  private expect(text: string): void {
    if (!this.peekPunct(text)) throw new Error(`expected ${text}`);
    this.at++;
  }

  private word(): string {
    const token = this.tokens[this.at++];
    if (token?.kind !== 'word') throw new Error('expected a path or operator');
    return token.text;
  }

  private string(): string {
    const token = this.tokens[this.at++];
    if (token?.kind !== 'string') throw new Error('expected a quoted value');
    return token.text;
  }
}

/** Reduce a STIX pattern to its comparisons, or return why it cannot be. */
export function parseStixPattern(pattern: string): StixPatternResult {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return { ok: false, reason: 'pattern too long' };
  }
  try {
    return { ok: true, comparisons: new Parser(tokenize(pattern)).pattern() };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}
