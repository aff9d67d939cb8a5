// Sensor state snapshots: one row per sensor, replaced on every change.
import type { Statement } from 'better-sqlite3';
import { StoreError } from '../../errors.js';
import type { SensorStateRecord } from '../ports/sensor-states.js';
import type { SqliteDatabase } from './connection.js';

interface SensorStateRow {
  snapshot: string;
  event_ids: string;
  updated_at: number;
}

export class SensorStates {
  private readonly get: Statement<[sensor: string], SensorStateRow>;
  private readonly upsert: Statement<[sensor: string, snapshot: string, eventIds: string, updatedAt: number]>;

  constructor(db: SqliteDatabase) {
    this.get = db.prepare('SELECT snapshot, event_ids, updated_at FROM sensor_states WHERE sensor = ?');
    this.upsert = db.prepare(
      `INSERT INTO sensor_states (sensor, snapshot, event_ids, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (sensor) DO UPDATE SET snapshot = excluded.snapshot, event_ids = excluded.event_ids, updated_at = excluded.updated_at`,
    );
  }

  load(sensor: string): SensorStateRecord | undefined {
    const row = this.get.get(sensor);
    if (row === undefined) return undefined;
    try {
      return { sensor, snapshot: JSON.parse(row.snapshot) as unknown, eventIds: JSON.parse(row.event_ids) as Record<string, string>, updatedAt: row.updated_at };
    } catch (err) {
      throw new StoreError(`the saved state of sensor ${sensor} is not JSON`, { cause: err });
    }
  }

  save(record: SensorStateRecord): void {
    this.upsert.run(record.sensor, JSON.stringify(record.snapshot), JSON.stringify(record.eventIds), record.updatedAt);
  }
}
