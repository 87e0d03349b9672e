/** A failure to open a store that must exist but contains no Vigil data. */
export class StoreNotFoundError extends Error {
  /**
   * @param where the data directory, or the PostgreSQL URL without its
   *   password
   */
  constructor(readonly where: string) {
    super(`no Vigil data in ${where}`);
    this.name = 'StoreNotFoundError';
  }
}
