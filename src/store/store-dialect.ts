/** The SQL databases the store runs on. */
export type StoreDialect = 'sqlite' | 'postgres';
