// Every migration, in order. Add a file NNN_name.ts and list it here; then run
// `npx tsx scripts/dump-schema.ts` and commit the updated src/store/schema.sql.
import { migration001 } from './001_initial.js';
import { migration002 } from './002_events.js';
import { migration003 } from './003_cache.js';
import { migration004 } from './004_tracking.js';
import { migration005 } from './005_mlflow.js';
import { migration006 } from './006_sensor_state.js';
import { migration007 } from './007_routing.js';
import { migration008 } from './008_run_options.js';
import { migration009 } from './009_mlflow_lease.js';
import { migration010 } from './010_sync_locks.js';
import { migration011 } from './011_remote_runs.js';
import type { Migration } from './types.js';

export type { Migration } from './types.js';

export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008, migration009, migration010, migration011];
