/**
 * A problem in a rule file. `path` locates the bad value inside the YAML
 * document so that the loader can report its line.
 */
export class RuleError extends Error {
  constructor(
    message: string,
    readonly path: ReadonlyArray<string | number>,
  ) {
    super(message);
    this.name = 'RuleError';
  }
}
