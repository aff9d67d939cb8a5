// Every migration, in order. Add a file NNN_name.ts and list it here; then run
// `npx tsx scripts/dump-schema.ts` and commit the updated src/store/schema.sql.
import { migration001 } from './001_initial.js';
import { migration002 } from './002_events.js';
import { migration006 } from './006_sensor_state.js';
import type { Migration } from './types.js';

export type { Migration } from './types.js';

export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration006];
