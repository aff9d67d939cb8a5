import type { Migration } from './types.js';

// The router's decision, kept with each run: the lane (a column, to list runs by lane) and the
// whole decision as JSON (the rule that matched, its reasons, an override and who made it).
// No index on lane: listing by lane walks runs newest first and stops at the page size, and every
// index is paid for on each run created (thousands a second from a busy trigger).
export const migration007: Migration = {
  id: 7,
  name: 'routing',
  sql: `
ALTER TABLE runs ADD COLUMN lane TEXT CHECK (lane IN ('kubeflow', 'argo', 'hybrid'));
ALTER TABLE runs ADD COLUMN routing TEXT;  -- JSON: RunRouting; NULL for runs started before routing
`,
};
