/** One simple command of a shell script, with its words unquoted. */
export interface ShellCommand {
  words: string[];
  /** The operator after the command: `|`, `&&`, `||`, `;`, `&` or ``. */
  next: string;
}

/** Maximum script length read; the rest is ignored. */
export const MAX_SCRIPT_LENGTH = 64 * 1024;
/** Most commands returned for one script, substitutions included. */
export const MAX_COMMANDS = 128;
/** Most words kept of one command. */
export const MAX_WORDS = 256;
/** Most command substitutions split into commands of their own. */
export const MAX_SUBSTITUTIONS = 64;

const RESERVED = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'do',
  'done',
  'while',
  'until',
  '{',
  '}',
  '!',
]);

/**
 * Split a shell script, such as the argument of `sh -c`, into its simple
 * commands, the way a POSIX shell or bash would see them: quotes and
 * backslashes are removed, `|`, `||`, `&&`, `;`, `&`, newlines and
 * parentheses end a command, and `#` starts a comment. The text of a
 * command substitution (`$(…)` or backquotes) stays in its word and is
 * also split into commands of its own, because attackers hide commands
 * there. Redirections (`>&`, `2>&1`, `&>`) stay inside words. Leading
 * variable assignments and reserved words such as `then` are dropped,
 * unless the command has nothing else.
 * Input past MAX_SCRIPT_LENGTH, commands past MAX_COMMANDS, words past
 * MAX_WORDS and substitutions past MAX_SUBSTITUTIONS are not split.
 * Unbalanced quotes end at the end of the script.
 */
export function splitShellScript(script: string): ShellCommand[] {
  const out: ShellCommand[] = [];
  const budget = { substitutions: MAX_SUBSTITUTIONS };
  splitInto(script.slice(0, MAX_SCRIPT_LENGTH), out, 0, budget);
  return out;
}

/** The budget one script has left for splitting substitutions. */
interface Budget {
  substitutions: number;
}

function splitInto(
  text: string,
  out: ShellCommand[],
  depth: number,
  budget: Budget,
): void {
  const lexer = new Lexer(text, out, depth, budget);
  lexer.run();
}

class Lexer {
  private i = 0;
  private word = '';
  private inWord = false;
  private words: string[] = [];

  constructor(
    private readonly text: string,
    private readonly out: ShellCommand[],
    private readonly depth: number,
    private readonly budget: Budget,
  ) {}

  run(): void {
    const { text } = this;
    while (this.i < text.length && this.out.length < MAX_COMMANDS) {
      const c = text[this.i] as string;
      const next = text[this.i + 1];
      if (c === ' ' || c === '\t' || c === '\r') {
        this.endWord();
        this.i++;
      } else if (c === '\n' || c === ';' || c === '(' || c === ')') {
        this.endCommand(c === '\n' || c === '(' || c === ')' ? ';' : c);
        this.i++;
      } else if (c === '|') {
        const double = next === '|';
        this.endCommand(double ? '||' : '|');
        this.i += double || next === '&' ? 2 : 1;
      } else if (c === '&') {
        this.ampersand(next);
      } else if (c === '#' && !this.inWord) {
        const end = text.indexOf('\n', this.i);
        this.i = end < 0 ? text.length : end;
      } else if (c === '\\') {
        this.backslash(next);
      } else if (c === "'") {
        const end = text.indexOf("'", this.i + 1);
        const stop = end < 0 ? text.length : end;
        this.append(text.slice(this.i + 1, stop));
        this.i = stop + 1;
      } else if (c === '"') {
        this.doubleQuoted();
      } else if (c === '$' && next === '(') {
        this.substitution(this.i + 2, ')');
      } else if (c === '`') {
        this.substitution(this.i + 1, '`');
      } else {
        this.append(c);
        this.i++;
      }
    }
    this.endCommand('');
  }

  private ampersand(next: string | undefined): void {
    // `>&` and `<&` continue a redirection word; `&>` starts one.
    if (this.word.endsWith('>') || this.word.endsWith('<') || next === '>') {
      this.append('&');
      this.i++;
      return;
    }
    const double = next === '&';
    this.endCommand(double ? '&&' : '&');
    this.i += double ? 2 : 1;
  }

  private backslash(next: string | undefined): void {
    if (next === '\n') {
      this.i += 2;
      return;
    }
    if (next !== undefined) this.append(next);
    this.i += 2;
  }

  private doubleQuoted(): void {
    const { text } = this;
    this.inWord = true;
    this.i++;
    while (this.i < text.length && text[this.i] !== '"') {
      const c = text[this.i] as string;
      const next = text[this.i + 1];
      if (c === '\\' && next !== undefined && '"\\$`\n'.includes(next)) {
        if (next !== '\n') this.append(next);
        this.i += 2;
      } else if (c === '$' && next === '(') {
        this.substitution(this.i + 2, ')');
      } else if (c === '`') {
        this.substitution(this.i + 1, '`');
      } else {
        this.append(c);
        this.i++;
      }
    }
    this.i++;
  }

  /** Keep `$(…)` or backquoted text in the word and split it as well. */
  private substitution(start: number, close: ')' | '`'): void {
    const end = close === ')' ? closingParen(this.text, start) : -1;
    const stop =
      close === '`'
        ? indexOrEnd(this.text, '`', start)
        : end < 0
          ? this.text.length
          : end;
    const inner = this.text.slice(start, stop);
    this.append(this.text.slice(this.i, Math.min(stop + 1, this.text.length)));
    this.i = stop + 1;
    // Hostile scripts can hold thousands of substitutions; split a few.
    if (this.depth < 4 && this.budget.substitutions > 0) {
      this.budget.substitutions--;
      splitInto(inner, this.out, this.depth + 1, this.budget);
    }
  }

  private append(text: string): void {
    this.word += text;
    this.inWord = true;
  }

  private endWord(): void {
    if (!this.inWord) return;
    if (this.words.length < MAX_WORDS) this.words.push(this.word);
    this.word = '';
    this.inWord = false;
  }

  private endCommand(operator: string): void {
    this.endWord();
    const words = this.words;
    this.words = [];
    let first = 0;
    while (
      first < words.length &&
      (RESERVED.has(words[first] as string) ||
        /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[first] as string))
    ) {
      first++;
    }
    // A statement of assignments only, such as `HISTFILE=/dev/null`, is
    // kept whole so that rules can see what it sets.
    const kept =
      first < words.length
        ? words.slice(first)
        : words.filter((word) => !RESERVED.has(word));
    if (kept.length > 0 && this.out.length < MAX_COMMANDS) {
      this.out.push({ words: kept, next: operator });
    }
  }
}

function indexOrEnd(text: string, needle: string, from: number): number {
  const found = text.indexOf(needle, from);
  return found < 0 ? text.length : found;
}

/** The index of the `)` that closes a `$(` opened before `start`, or -1. */
function closingParen(text: string, start: number): number {
  let depth = 1;
  let quote = '';
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '\\') {
      i++;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
