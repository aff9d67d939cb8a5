import type { Migration } from './types.js';

// Who holds each mutex and semaphore (a task's `synchronization`), so that the limit holds across
// every process sharing the store — `tandem serve` and any number of `tandem run`s — as Argo's
// hold across a whole cluster. A holder is one task (run/task key); its process is kept so that a
// holder whose process died can be told from a live one and dropped.
export const migration010: Migration = {
  id: 10,
  name: 'sync_locks',
  sql: `
CREATE TABLE sync_locks (
  lock        TEXT    NOT NULL,  -- mutex/NAME or semaphore/NAME
  holder      TEXT    NOT NULL,  -- RUN/TASK: the task holding it
  owner       TEXT    NOT NULL,  -- the process (host:pid:start) that runs the task
  owner_pid   INTEGER NOT NULL,
  acquired_at INTEGER NOT NULL,
  PRIMARY KEY (lock, holder)
) WITHOUT ROWID;
`,
};
