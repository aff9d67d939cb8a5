// The events table: recordEvent (deduplicated on the source's own id), getEvent, listEvents,
// setEventStatus. Methods are synchronous; SqliteStore wraps them for the port.
import { NotFoundError, StoreError } from '../../errors.js';
import type { RunResult, Statement } from 'better-sqlite3';
import type { IncomingEvent, StoredEvent } from '../../events/model.js';
import type { EventFilter, RecordEventResult } from '../ports/events.js';
import type { SqliteDatabase } from './connection.js';
import { storedEventFromRow, type EventRow } from './event-rows.js';
import { toJson } from './rows.js';
import { StatementCache, type Param } from './statement-cache.js';

type Nullable<T> = T | null;

type InsertEventParams = [
  eventId: string,
  sourceName: string,
  sourceId: string,
  source: string,
  type: string,
  subject: Nullable<string>,
  time: string,
  contentType: string,
  data: Nullable<string>,
  extensions: Nullable<string>,
  receivedAt: number,
];

export class EventTable {
  private readonly insert: Statement<InsertEventParams>;
  private readonly findBySourceId: Statement<[sourceName: string, sourceId: string], string>;
  private readonly get: Statement<[eventId: string], EventRow>;
  private readonly receivedAt: Statement<[eventId: string], number>;
  private readonly setStatus: Statement<[status: string, error: Nullable<string>, eventId: string]>;
  private readonly listers: StatementCache<EventRow>;
  private readonly recordTx: (event: IncomingEvent, eventId: string, receivedAt: number) => RecordEventResult;

  constructor(db: SqliteDatabase) {
    // The conflict target is the source identity only: an event_id clash still fails loudly.
    this.insert = db.prepare<InsertEventParams>(
      `INSERT INTO events (event_id, source_name, source_id, source, type, subject, time, content_type, data,
         extensions, received_at, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'received')
       ON CONFLICT (source_name, source_id) DO NOTHING`,
    );
    this.findBySourceId = db
      .prepare<[string, string], string>('SELECT event_id FROM events WHERE source_name = ? AND source_id = ?')
      .pluck();
    this.get = db.prepare<[string], EventRow>('SELECT * FROM events WHERE event_id = ?');
    this.receivedAt = db.prepare<[string], number>('SELECT received_at FROM events WHERE event_id = ?').pluck();
    this.setStatus = db.prepare<[status: string, error: Nullable<string>, eventId: string]>(
      'UPDATE events SET status = ?, error = ? WHERE event_id = ?',
    );
    this.listers = new StatementCache<EventRow>(db);
    const record = db.transaction((event: IncomingEvent, eventId: string, receivedAt: number): RecordEventResult => {
      const info = this.insertRow(event, eventId, receivedAt);
      if (info.changes === 1) return { eventId, duplicate: false };
      const first = this.findBySourceId.get(event.sourceName, event.id);
      if (first === undefined) throw new StoreError(`event ${JSON.stringify(event.id)} from ${event.sourceName} vanished while recording it`);
      return { eventId: first, duplicate: true };
    });
    this.recordTx = (event, eventId, receivedAt) => record.immediate(event, eventId, receivedAt);
  }

  record(event: IncomingEvent, eventId: string, receivedAt: number): RecordEventResult {
    return this.recordTx(event, eventId, receivedAt);
  }

  getEvent(eventId: string): StoredEvent | undefined {
    const row = this.get.get(eventId);
    return row === undefined ? undefined : storedEventFromRow(row);
  }

  /** Newest first (received_at, then event_id, descending). */
  list(filter: EventFilter = {}): StoredEvent[] {
    const where: string[] = [];
    const params: Param[] = [];
    if (filter.source !== undefined) {
      where.push('source_name = ?');
      params.push(filter.source);
    }
    if (filter.type !== undefined) {
      where.push('type = ?');
      params.push(filter.type);
    }
    if (filter.status !== undefined) {
      where.push('status = ?');
      params.push(filter.status);
    }
    if (filter.before !== undefined) {
      const receivedAt = this.receivedAt.get(filter.before);
      if (receivedAt === undefined) throw new NotFoundError('event', filter.before);
      where.push('(received_at, event_id) < (?, ?)');
      params.push(receivedAt, filter.before);
    }
    let sql = 'SELECT * FROM events';
    if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
    sql += ' ORDER BY received_at DESC, event_id DESC';
    if (filter.limit !== undefined) {
      sql += ' LIMIT ?';
      params.push(Math.max(0, Math.floor(filter.limit)));
    }
    return this.listers.get(sql).all(...params).map(storedEventFromRow);
  }

  setEventStatus(eventId: string, status: StoredEvent['status'], error: string | undefined): void {
    if (this.setStatus.run(status, error ?? null, eventId).changes === 0) throw new NotFoundError('event', eventId);
  }

  private insertRow(event: IncomingEvent, eventId: string, receivedAt: number): RunResult {
    try {
      return this.insert.run(
        eventId,
        event.sourceName,
        event.id,
        event.source,
        event.type,
        event.subject ?? null,
        event.time,
        event.datacontenttype,
        toJson(event.data),
        toJson(event.extensions),
        receivedAt,
      );
    } catch (err) {
      if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new StoreError(`event id ${JSON.stringify(eventId)} is already used by another event`, { cause: err });
      }
      throw err;
    }
  }
}
