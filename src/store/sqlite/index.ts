export { SqliteStore, type SqliteStoreOptions } from './store.js';
export { DEFAULT_BUSY_TIMEOUT_MS, type ConnectionOptions } from './connection.js';
export { dumpSchema } from './schema-dump.js';
