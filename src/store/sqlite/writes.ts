// applyWrites: the engine's hot path. One IMMEDIATE transaction per batch (taking the write lock
// up front, so the busy timeout applies instead of a failed lock upgrade), prepared statements,
// positional binding, no reads, and JSON only where a value has to become text.
import { StoreError } from '../../errors.js';
import { TERMINAL_RUN_STATUSES } from '../../engines/model.js';
import type { StoreWrite } from '../ports/runs.js';
import type { SqliteDatabase } from './connection.js';
import { toJson } from './rows.js';
import type { Statements } from './statements.js';
import type { TrackingTables } from './tracking.js';

export type ApplyWrites = (writes: readonly StoreWrite[]) => void;

function applyOne(s: Statements, write: StoreWrite, tracking: TrackingTables): void {
  switch (write.kind) {
    case 'taskRun': {
      const r = write.record;
      s.upsertTaskRun.run(
        r.runId,
        r.task,
        r.attempt,
        r.status,
        r.message ?? null,
        r.startedAt ?? null,
        r.finishedAt ?? null,
        r.exitCode ?? null,
        r.signal ?? null,
        r.pid ?? null,
        r.logDir ?? null,
      );
      return;
    }
    case 'event':
      s.insertEvent.run(write.runId, write.time, write.task ?? null, write.attempt ?? null, write.status, write.message ?? null);
      return;
    case 'run': {
      const info = s.updateRun.run(
        write.status,
        write.message ?? null,
        write.status === 'Running' ? write.time : null,
        TERMINAL_RUN_STATUSES.has(write.status) ? write.time : null,
        write.outputs === undefined ? null : JSON.stringify(write.outputs),
        write.runId,
      );
      if (info.changes === 0) throw new StoreError(`run ${JSON.stringify(write.runId)} does not exist`);
      return;
    }
    case 'output': {
      const r = write.record;
      s.upsertOutput.run(r.runId, r.task, r.name, r.kind, toJson(r.value));
      return;
    }
    case 'artifact': {
      const r = write.record;
      s.upsertArtifact.run(r.runId, r.task, r.name, r.digest, r.size, r.kind, r.type, r.path, toJson(r.metadata));
      return;
    }
    case 'metric': {
      const r = write.record;
      s.insertMetric.run(r.runId, r.task, r.name, Number.isNaN(r.value) ? null : r.value, r.step ?? null, r.time);
      return;
    }
    case 'remote': {
      const info = s.setRemote.run(JSON.stringify(write.remote), write.runId);
      if (info.changes === 0) throw new StoreError(`run ${JSON.stringify(write.runId)} does not exist`);
      return;
    }
    case 'inputs':
      tracking.replaceInputs(write.runId, write.task, write.inputs);
      return;
    default: {
      const unknownWrite: never = write;
      throw new StoreError(`unknown store write kind ${JSON.stringify((unknownWrite as { kind?: unknown }).kind)}`);
    }
  }
}

/** Builds the batch applier once per connection; a failing write rolls back the whole batch. */
export function writeApplier(db: SqliteDatabase, statements: Statements, tracking: TrackingTables): ApplyWrites {
  const batch = db.transaction((writes: readonly StoreWrite[]) => {
    for (let i = 0; i < writes.length; i++) {
      const write = writes[i] as StoreWrite;
      try {
        applyOne(statements, write, tracking);
      } catch (err) {
        const reason =
          (err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY'
            ? 'the run does not exist (foreign key constraint failed)'
            : err instanceof Error
              ? err.message
              : String(err);
        throw new StoreError(`write ${i + 1} of ${writes.length} (${write.kind} for run ${JSON.stringify(runIdOf(write))}) failed: ${reason}`, {
          cause: err,
        });
      }
    }
  });
  return (writes) => {
    if (writes.length > 0) batch.immediate(writes);
  };
}

function runIdOf(write: StoreWrite): string {
  return 'record' in write ? write.record.runId : write.runId;
}
