// The component cache table (migration 003): entries keyed by cache key, with the outputs and
// metrics of the attempt that produced them. Listing queries vary by filter, so their statements
// are cached per shape; everything else is a prepared statement.
import type { Statement } from 'better-sqlite3';
import { StoreError } from '../../errors.js';
import type { CachedMetric, CacheEntryFilter, CacheEntryRecord } from '../ports/cache.js';
import type { SqliteDatabase } from './connection.js';
import { StatementCache, type Param } from './statement-cache.js';

interface CacheEntryRow {
  cache_key: string;
  workflow: string;
  task: string;
  run_id: string;
  outputs: string;
  metrics: string;
  created_at: number;
  hits: number;
  last_hit_at: number | null;
}

type PutParams = [key: string, workflow: string, task: string, runId: string, outputs: string, metrics: string, createdAt: number, hits: number, lastHitAt: number | null];

const COLUMNS = 'cache_key, workflow, task, run_id, outputs, metrics, created_at, hits, last_hit_at';

export class CacheEntries {
  private readonly get: Statement<[key: string], CacheEntryRow>;
  private readonly put: Statement<PutParams>;
  private readonly hit: Statement<[time: number, key: string]>;
  private readonly deleteOne: Statement<[key: string]>;
  private readonly deleteIf: Statement<[key: string, createdAt: number]>;
  private readonly prune: Statement<[createdBefore: number]>;
  private readonly deleteMany: (keys: readonly string[]) => number;
  private readonly lists: StatementCache<CacheEntryRow>;

  constructor(db: SqliteDatabase) {
    this.get = db.prepare(`SELECT ${COLUMNS} FROM cache_entries WHERE cache_key = ?`);
    this.put = db.prepare(
      `INSERT INTO cache_entries (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (cache_key) DO UPDATE SET workflow = excluded.workflow, task = excluded.task, run_id = excluded.run_id,
         outputs = excluded.outputs, metrics = excluded.metrics, created_at = excluded.created_at,
         hits = excluded.hits, last_hit_at = excluded.last_hit_at`,
    );
    this.hit = db.prepare('UPDATE cache_entries SET hits = hits + 1, last_hit_at = ? WHERE cache_key = ?');
    this.deleteOne = db.prepare('DELETE FROM cache_entries WHERE cache_key = ?');
    this.deleteIf = db.prepare('DELETE FROM cache_entries WHERE cache_key = ? AND created_at = ?');
    this.prune = db.prepare('DELETE FROM cache_entries WHERE created_at < ?');
    const many = db.transaction((keys: readonly string[]) => keys.reduce((n, key) => n + this.deleteOne.run(key).changes, 0));
    this.deleteMany = (keys) => many(keys);
    this.lists = new StatementCache<CacheEntryRow>(db);
  }

  getEntry(key: string): CacheEntryRecord | undefined {
    const row = this.get.get(key);
    return row === undefined ? undefined : entryFromRow(row);
  }

  putEntry(entry: CacheEntryRecord): void {
    this.put.run(
      entry.key,
      entry.workflow,
      entry.task,
      entry.runId,
      JSON.stringify(entry.outputs),
      JSON.stringify(entry.metrics),
      entry.createdAt,
      entry.hits,
      entry.lastHitAt ?? null,
    );
  }

  recordHit(key: string, time: number): void {
    this.hit.run(time, key);
  }

  delete(keys: readonly string[]): number {
    return keys.length === 0 ? 0 : this.deleteMany(keys);
  }

  invalidate(key: string, createdAt: number): boolean {
    return this.deleteIf.run(key, createdAt).changes > 0;
  }

  pruneBefore(createdBefore: number): number {
    return this.prune.run(createdBefore).changes;
  }

  /** Newest first (created_at, then key, descending). */
  list(filter: CacheEntryFilter = {}): CacheEntryRecord[] {
    const where: string[] = [];
    const params: Param[] = [];
    if (filter.workflow !== undefined) {
      where.push('workflow = ?');
      params.push(filter.workflow);
    }
    if (filter.keyPrefix !== undefined) {
      // A range on the primary key rather than LIKE, which would also need escaping of % and _.
      where.push('cache_key >= ? AND cache_key < ?');
      params.push(filter.keyPrefix, `${filter.keyPrefix}\uffff`);
    }
    let sql = `SELECT ${COLUMNS} FROM cache_entries`;
    if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
    sql += ' ORDER BY created_at DESC, cache_key DESC';
    if (filter.limit !== undefined) {
      sql += ' LIMIT ?';
      params.push(Math.max(0, Math.floor(filter.limit)));
    }
    return this.lists.get(sql).all(...params).map(entryFromRow);
  }
}

function entryFromRow(row: CacheEntryRow): CacheEntryRecord {
  let outputs: CacheEntryRecord['outputs'];
  let metrics: CachedMetric[];
  try {
    outputs = JSON.parse(row.outputs) as CacheEntryRecord['outputs'];
    metrics = JSON.parse(row.metrics) as CachedMetric[];
  } catch (err) {
    throw new StoreError(`cache entry ${row.cache_key} is not valid JSON; remove it with \`tandem cache rm ${row.cache_key}\``, { cause: err });
  }
  const entry: CacheEntryRecord = {
    key: row.cache_key,
    workflow: row.workflow,
    task: row.task,
    runId: row.run_id,
    outputs,
    metrics,
    createdAt: row.created_at,
    hits: row.hits,
  };
  if (row.last_hit_at !== null) entry.lastHitAt = row.last_hit_at;
  return entry;
}
