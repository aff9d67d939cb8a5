// The sync_locks table (migration 010): mutex and semaphore holders shared by every process using
// the store. Each call runs inside the store's IMMEDIATE group transaction, so counting the
// holders and adding one is atomic across processes.
import type { Statement } from 'better-sqlite3';
import type { LockAcquisition, LockHolderRecord } from '../ports/locks.js';
import type { SqliteDatabase } from './connection.js';

interface LockRow {
  lock: string;
  holder: string;
  owner: string;
  owner_pid: number;
  acquired_at: number;
}

export class SyncLocks {
  private readonly holders: Statement<[lock: string], LockRow>;
  private readonly all: Statement<[], LockRow>;
  private readonly count: Statement<[lock: string], number>;
  private readonly insert: Statement<[LockHolderRecord]>;
  private readonly reclaim: Statement<[LockHolderRecord]>;
  private readonly remove: Statement<[lock: string, holder: string]>;

  constructor(db: SqliteDatabase) {
    this.holders = db.prepare('SELECT * FROM sync_locks WHERE lock = ? ORDER BY acquired_at, holder');
    this.all = db.prepare('SELECT * FROM sync_locks ORDER BY lock, acquired_at, holder');
    this.count = db.prepare<[string], number>('SELECT count(*) FROM sync_locks WHERE lock = ?').pluck();
    this.insert = db.prepare(
      'INSERT INTO sync_locks (lock, holder, owner, owner_pid, acquired_at) VALUES (@lock, @holder, @owner, @ownerPid, @acquiredAt)',
    );
    // The same task asking again (a retry, or its run resumed by another process) keeps its place.
    this.reclaim = db.prepare('UPDATE sync_locks SET owner = @owner, owner_pid = @ownerPid WHERE lock = @lock AND holder = @holder');
    this.remove = db.prepare('DELETE FROM sync_locks WHERE lock = ? AND holder = ?');
  }

  acquire(request: LockHolderRecord, limit: number): LockAcquisition {
    if (this.reclaim.run(request).changes === 1) return { acquired: true, holders: [] };
    if (this.count.get(request.lock)! < limit) {
      this.insert.run(request);
      return { acquired: true, holders: [] };
    }
    return { acquired: false, holders: this.holders.all(request.lock).map(holderFromRow) };
  }

  release(lock: string, holder: string): void {
    this.remove.run(lock, holder);
  }

  list(): LockHolderRecord[] {
    return this.all.all().map(holderFromRow);
  }
}

function holderFromRow(row: LockRow): LockHolderRecord {
  return { lock: row.lock, holder: row.holder, owner: row.owner, ownerPid: row.owner_pid, acquiredAt: row.acquired_at };
}
