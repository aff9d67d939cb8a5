// The migration runner: a schema_migrations table records applied ids; missing migrations run in
// ascending order, each in its own IMMEDIATE transaction that re-checks whether another process
// applied it meanwhile (two processes may open a fresh store at the same moment).
import { StoreError } from '../../errors.js';
import type { Migration } from '../migrations/index.js';
import type { SqliteDatabase } from './connection.js';
import { errorMessage } from '../../util/error-message.js';

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  id         INTEGER NOT NULL PRIMARY KEY,
  name       TEXT    NOT NULL,
  applied_at INTEGER NOT NULL
)`;

/** Applies the missing migrations; returns the ids it applied (empty when up to date). */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[], path: string): number[] {
  const sorted = [...migrations].sort((a, b) => a.id - b.id);
  db.exec(CREATE_TABLE);
  const appliedIds = db.prepare<[], number>('SELECT id FROM schema_migrations ORDER BY id').pluck();
  const isApplied = db.prepare<[number], number>('SELECT 1 FROM schema_migrations WHERE id = ?').pluck();
  const record = db.prepare<[number, string, number]>('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)');

  const newest = appliedIds.all().at(-1);
  if (newest !== undefined && newest > (sorted.at(-1)?.id ?? 0)) {
    throw new StoreError(
      `the store at ${path} has schema migration ${newest}, newer than this version of tandem knows; upgrade tandem`,
    );
  }

  const applied: number[] = [];
  const applyOne = db.transaction((migration: Migration) => {
    if (isApplied.get(migration.id) !== undefined) return;
    db.exec(migration.sql);
    record.run(migration.id, migration.name, Date.now());
    applied.push(migration.id);
  });
  const done = new Set(appliedIds.all());
  for (const migration of sorted) {
    if (done.has(migration.id)) continue;
    try {
      applyOne.immediate(migration);
    } catch (err) {
      throw new StoreError(
        `migration ${String(migration.id).padStart(3, '0')}_${migration.name} failed on ${path}: ${errorMessage(err)}`,
        { cause: err },
      );
    }
  }
  return applied;
}
