// Opening a SQLite connection with the pragmas every tandem process uses. Several processes (a
// `tandem run`, a `tandem cancel`, a `tandem logs --follow`) share one file, so: WAL (readers never
// block the writer), a busy timeout (writers queue instead of failing), NORMAL sync (durable at
// checkpoints, safe against corruption in WAL mode), and foreign keys enforced.
import Database from 'better-sqlite3';
import { toStoreError } from './errors.js';

export type SqliteDatabase = Database.Database;

export interface ConnectionOptions {
  /** How long a writer waits for another process's lock before failing, in ms. */
  busyTimeoutMs?: number;
}

const DEFAULT_BUSY_TIMEOUT_MS = 10_000;

/** Opens (creating if missing) the database at `path` (or ':memory:') and sets the pragmas. */
export function openDatabase(path: string, options: ConnectionOptions = {}): SqliteDatabase {
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(path, { timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
    // busy_timeout is set by the constructor's `timeout`; the first statement that touches the
    // file (journal_mode) is where a corrupt or foreign file shows up.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    return db;
  } catch (err) {
    if (db?.open) db.close();
    throw toStoreError(err, path, 'cannot open the store');
  }
}
