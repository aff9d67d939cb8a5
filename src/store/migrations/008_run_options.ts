import type { Migration } from './types.js';

// How a run was asked to execute, kept so that a resumed run keeps it: `no_cache` is
// `tandem run --no-cache` (cached results are not reused; successful ones are still recorded).
export const migration008: Migration = {
  id: 8,
  name: 'run_options',
  sql: `
ALTER TABLE runs ADD COLUMN no_cache INTEGER NOT NULL DEFAULT 0 CHECK (no_cache IN (0, 1));
`,
};
