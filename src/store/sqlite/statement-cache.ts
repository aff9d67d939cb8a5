// Prepared statements for queries whose SQL depends on the arguments (which filters are present),
// cached per SQL text so repeated listings never re-prepare.
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './connection.js';

export type Param = string | number;

export class StatementCache<Row> {
  private readonly cache = new Map<string, Statement<Param[], Row>>();

  constructor(private readonly db: SqliteDatabase) {}

  get(sql: string): Statement<Param[], Row> {
    let statement = this.cache.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare<Param[], Row>(sql);
      this.cache.set(sql, statement);
    }
    return statement;
  }
}
