import type { Migration } from './types.js';

// Which process is exporting a run to MLflow right now, and until when: two processes sharing a
// store (`tandem serve` and `tandem mlflow export`, or two servers) must not both find no MLflow
// run for a tandem run and both create one. A try takes the lease first; one that finds it held
// leaves the run alone, and a lease whose holder died runs out by itself.
export const migration009: Migration = {
  id: 9,
  name: 'mlflow_lease',
  sql: `
ALTER TABLE mlflow_exports ADD COLUMN lease_holder TEXT;     -- the exporting process, NULL when none
ALTER TABLE mlflow_exports ADD COLUMN lease_until  INTEGER;  -- when its lease runs out
`,
};
