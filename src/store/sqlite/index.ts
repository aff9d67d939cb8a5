export { SqliteStore } from './store.js';
export { dumpSchema } from './schema-dump.js';
