// openStore: how the composition roots open the SQLite store, the single-machine default. Creates
// the data directory if missing, opens <home>/tandem.db and migrates it; every failure is a
// StoreError naming the path.
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StoreError } from '../../errors.js';
import { SqliteStore } from './index.js';
import type { Store } from '../store.js';
import { errorMessage } from '../../util/error-message.js';

export interface OpenStoreOptions {
  /** The data directory (e.g. `.tandem`); holds tandem.db. */
  home: string;
  /** How long a writer waits for another process's lock, in ms. */
  busyTimeoutMs?: number;
}

export const DB_FILE = 'tandem.db';

function reason(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'a file is in the way (expected a directory)';
  if (code === 'EROFS') return 'read-only file system';
  return errorMessage(err);
}

function ensureDirectory(home: string): void {
  try {
    mkdirSync(home, { recursive: true });
    if (!statSync(home).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    accessSync(home, constants.W_OK);
  } catch (err) {
    throw new StoreError(`cannot use data directory ${home}: ${reason(err)}`, { cause: err });
  }
}

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  ensureDirectory(options.home);
  const path = join(options.home, DB_FILE);
  const sqliteOptions = options.busyTimeoutMs === undefined ? { path } : { path, busyTimeoutMs: options.busyTimeoutMs };
  return SqliteStore.open(sqliteOptions);
}
