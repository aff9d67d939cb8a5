// Dead letters (appended, listed newest first) and cron state (the last fired tick per source and
// schedule, which only moves forward).
import type { Statement } from 'better-sqlite3';
import type { DeadLetter, DeadLetterFilter, DeadLetterRecord } from '../ports/dead-letters.js';
import type { SqliteDatabase } from './connection.js';
import { deadLetterFromRow, type DeadLetterRow } from './event-rows.js';
import { toJson } from './rows.js';
import { StatementCache, type Param } from './statement-cache.js';

type InsertDeadLetterParams = [
  sensor: string,
  trigger: string,
  eventIds: string,
  error: string,
  attempts: number,
  time: number,
  params: string | null,
];

export class DeadLetters {
  private readonly insert: Statement<InsertDeadLetterParams>;
  private readonly listers: StatementCache<DeadLetterRow>;

  constructor(db: SqliteDatabase) {
    this.insert = db.prepare(
      'INSERT INTO dead_letters (sensor, trigger_name, event_ids, error, attempts, time, params) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.listers = new StatementCache<DeadLetterRow>(db);
  }

  record(letter: DeadLetter): number {
    const info = this.insert.run(
      letter.sensor,
      letter.trigger,
      JSON.stringify(letter.eventIds),
      letter.error,
      letter.attempts,
      letter.time,
      toJson(letter.params),
    );
    return Number(info.lastInsertRowid);
  }

  /** Newest first (by id). */
  list(filter: DeadLetterFilter = {}): DeadLetterRecord[] {
    const params: Param[] = [];
    let sql = 'SELECT * FROM dead_letters';
    if (filter.sensor !== undefined) {
      sql += ' WHERE sensor = ?';
      params.push(filter.sensor);
    }
    sql += ' ORDER BY id DESC';
    if (filter.limit !== undefined) {
      sql += ' LIMIT ?';
      params.push(Math.max(0, Math.floor(filter.limit)));
    }
    return this.listers.get(sql).all(...params).map(deadLetterFromRow);
  }
}

export class CronTicks {
  private readonly getTick: Statement<[source: string, schedule: string], number>;
  private readonly setTick: Statement<[source: string, schedule: string, tick: number]>;

  constructor(db: SqliteDatabase) {
    this.getTick = db.prepare<[string, string], number>('SELECT last_tick FROM cron_ticks WHERE source = ? AND schedule = ?').pluck();
    this.setTick = db.prepare(
      `INSERT INTO cron_ticks (source, schedule, last_tick) VALUES (?, ?, ?)
       ON CONFLICT (source, schedule) DO UPDATE SET last_tick = max(last_tick, excluded.last_tick)`,
    );
  }

  get(source: string, schedule: string): number | undefined {
    return this.getTick.get(source, schedule);
  }

  set(source: string, schedule: string, tick: number): void {
    this.setTick.run(source, schedule, tick);
  }
}
