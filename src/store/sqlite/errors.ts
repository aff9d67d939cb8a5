// Turns driver errors into StoreError with a message naming the database file, so the CLI can
// print one actionable line instead of a stack.
import { StoreError, TandemError } from '../../errors.js';

interface SqliteLikeError {
  code?: unknown;
  message: string;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const raw = (err as SqliteLikeError).code;
    const code = typeof raw === 'string' ? raw : '';
    if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
      return 'the file is not a valid SQLite database (corrupt, or not a tandem store); move it away to start afresh';
    }
    if (code.startsWith('SQLITE_CANTOPEN')) return 'cannot open the database file (does the directory exist and is it writable?)';
    if (code.startsWith('SQLITE_READONLY')) {
      return 'the database is read-only (check permissions on the file and its directory)';
    }
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      return 'the database stayed locked by another process past the busy timeout';
    }
    if (code.startsWith('SQLITE_FULL')) return 'the disk is full';
    return err.message;
  }
  return String(err);
}

/** Wraps `err` as StoreError("<action> (<path>): <reason>"); typed tandem errors pass through. */
export function toStoreError(err: unknown, path: string, action: string): TandemError {
  if (err instanceof TandemError) return err;
  return new StoreError(`${action} (${path}): ${describe(err)}`, { cause: err });
}

