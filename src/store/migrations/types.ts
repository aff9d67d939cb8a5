// One numbered schema migration. The SQL lives in TypeScript string constants (not .sql files)
// so it ships inside dist/ with `npm run build` and loads the same way from src/ under tsx.
export interface Migration {
  /** Applied in ascending order; never reused, never edited once released. */
  readonly id: number;
  readonly name: string;
  /** One or more statements, run inside the migration's transaction. */
  readonly sql: string;
}
