// listRuns: a query whose shape depends on its arguments. Statements are cached per shape
// (which filters are present, how many statuses), so repeated listings never re-prepare.
import { NotFoundError } from '../../errors.js';
import type { RunFilter, RunRecord } from '../ports/runs.js';
import type { SqliteDatabase } from './connection.js';
import { runFromRow, type RunRow } from './rows.js';
import { StatementCache, type Param } from './statement-cache.js';
import type { Statements } from './statements.js';

export class RunLister {
  private readonly cache: StatementCache<RunRow>;

  constructor(
    db: SqliteDatabase,
    private readonly statements: Statements,
  ) {
    this.cache = new StatementCache<RunRow>(db);
  }

  /** Newest first (created_at, then id, descending). */
  list(filter: RunFilter = {}): RunRecord[] {
    const where: string[] = [];
    const params: Param[] = [];
    const statuses = filter.status;
    if (statuses !== undefined) {
      if (statuses.length === 0) return [];
      where.push(`status IN (${statuses.map(() => '?').join(', ')})`);
      params.push(...statuses);
    }
    if (filter.workflow !== undefined) {
      where.push('workflow = ?');
      params.push(filter.workflow);
    }
    if (filter.lane !== undefined) {
      where.push('lane = ?');
      params.push(filter.lane);
    }
    if (filter.engine !== undefined) {
      where.push('engine = ?');
      params.push(filter.engine);
    }
    if (filter.experiment !== undefined) {
      where.push('experiment = ?');
      params.push(filter.experiment);
    }
    if (filter.notOwnedBy !== undefined) {
      where.push('(owner IS NULL OR owner <> ?)');
      params.push(filter.notOwnedBy);
    }
    if (filter.before !== undefined) {
      const createdAt = this.statements.runCreatedAt.get(filter.before);
      if (createdAt === undefined) throw new NotFoundError('run', filter.before);
      where.push('(created_at, id) < (?, ?)');
      params.push(createdAt, filter.before);
    }
    let sql = 'SELECT * FROM runs';
    if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
    sql += ' ORDER BY created_at DESC, id DESC';
    if (filter.limit !== undefined) {
      sql += ' LIMIT ?';
      params.push(Math.max(0, Math.floor(filter.limit)));
    }
    return this.cache.get(sql).all(...params).map(runFromRow);
  }
}
