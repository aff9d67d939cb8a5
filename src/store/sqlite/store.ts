// SqliteStore: the Store port over one SQLite file. Methods are async to fit the port (Postgres
// later); the work inside is synchronous. Driver errors surface as StoreError naming the file.
import { NotFoundError, StoreClosedError } from '../../errors.js';
import { MIGRATIONS } from '../migrations/index.js';
import { engineOf } from '../../engines/model.js';
import type { IncomingEvent, StoredEvent } from '../../events/model.js';
import type { Store } from '../store.js';
import type { CacheEntryFilter, CacheEntryRecord } from '../ports/cache.js';
import type { DeadLetter, DeadLetterFilter, DeadLetterRecord } from '../ports/dead-letters.js';
import type { EventFilter, RecordEventResult } from '../ports/events.js';
import type { LockAcquisition, LockHolderRecord } from '../ports/locks.js';
import type { MlflowExportFilter, MlflowExportRecord } from '../ports/mlflow-exports.js';
import type { MetricRecord, OutputRecord, RunArtifactRecord, RunEventRecord, RunFilter, RunRecord, StoreWrite, TaskInputRecord, TaskRunRecord } from '../ports/runs.js';
import type { SensorStateRecord } from '../ports/sensor-states.js';
import type { ExperimentSummary } from '../ports/tracking.js';
import type { TriggerClaim, TriggerClaimResult } from '../ports/trigger-claims.js';
import { openDatabase, type ConnectionOptions, type SqliteDatabase } from './connection.js';
import { toStoreError } from './errors.js';
import { EventTable } from './events.js';
import { BackgroundCheckpointer } from './checkpointer.js';
import { CacheEntries } from './cache-entries.js';
import { GroupCommit } from './group-commit.js';
import { migrate } from './migrate.js';
import { MlflowExports } from './mlflow-exports.js';
import { SyncLocks } from './sync-locks.js';
import { RunLister } from './queries.js';
import { artifactFromRow, eventFromRow, metricFromRow, outputFromRow, runFromRow, taskRunFromRow, toJson } from './rows.js';
import { prepareStatements, type InsertRunParams, type Statements } from './statements.js';
import { SensorStates } from './sensor-states.js';
import { CronTicks, DeadLetters } from './trigger-state.js';
import { TriggerClaims } from './triggers.js';
import { TrackingTables } from './tracking.js';
import { writeApplier, type ApplyWrites } from './writes.js';

export interface SqliteStoreOptions extends ConnectionOptions {
  /** Database file, or ':memory:'. */
  path: string;
}

export class SqliteStore implements Store {
  /** Migration ids this open applied (empty when the schema was already current). */
  readonly appliedMigrations: readonly number[];
  readonly path: string;
  private readonly db: SqliteDatabase;
  private readonly s: Statements;
  private readonly writeBatch: ApplyWrites;
  private readonly lister: RunLister;
  private readonly createRunTx: (run: RunRecord) => void;
  private readonly createRunIfAbsentTx: (run: RunRecord) => boolean;
  private readonly events: EventTable;
  private readonly claims: TriggerClaims;
  private readonly deadLetters: DeadLetters;
  private readonly cronTicks: CronTicks;
  private readonly sensorStates: SensorStates;
  private readonly cacheEntries: CacheEntries;
  private readonly tracking: TrackingTables;
  private readonly mlflowExports: MlflowExports;
  private readonly syncLocks: SyncLocks;
  private readonly group: GroupCommit;
  private readonly checkpointer: BackgroundCheckpointer | undefined;

  /** Opens and migrates synchronously; throws StoreError naming the path. */
  static open(options: SqliteStoreOptions): SqliteStore {
    return new SqliteStore(options);
  }

  private constructor(options: SqliteStoreOptions) {
    this.path = options.path;
    this.db = openDatabase(options.path, options);
    try {
      this.appliedMigrations = migrate(this.db, MIGRATIONS, options.path);
      this.s = prepareStatements(this.db);
    } catch (err) {
      this.db.close();
      throw toStoreError(err, options.path, 'cannot open the store');
    }
    this.tracking = new TrackingTables(this.db);
    this.writeBatch = writeApplier(this.db, this.s, this.tracking);
    this.lister = new RunLister(this.db, this.s);
    const insert = this.db.transaction((run: RunRecord) => {
      this.s.insertRun.run(...runParams(run));
      this.s.insertEvent.run(run.id, run.createdAt, null, null, run.status, run.message ?? null);
    });
    this.createRunTx = (run) => insert.immediate(run);
    const insertIfAbsent = this.db.transaction((run: RunRecord): boolean => {
      if (this.s.insertRunIfAbsent.run(...runParams(run)).changes === 0) return false;
      this.s.insertEvent.run(run.id, run.createdAt, null, null, run.status, run.message ?? null);
      return true;
    });
    this.createRunIfAbsentTx = (run) => insertIfAbsent.immediate(run);
    this.events = new EventTable(this.db);
    this.claims = new TriggerClaims(this.db);
    this.deadLetters = new DeadLetters(this.db);
    this.cronTicks = new CronTicks(this.db);
    this.sensorStates = new SensorStates(this.db);
    this.cacheEntries = new CacheEntries(this.db);
    this.mlflowExports = new MlflowExports(this.db);
    this.syncLocks = new SyncLocks(this.db);
    // An in-memory database has no log to checkpoint (and no file a second connection could open).
    this.checkpointer = options.path === ':memory:' ? undefined : new BackgroundCheckpointer(this.db, options.path);
    this.group = new GroupCommit(this.db, () => this.checkpointer?.noteCommit());
  }

  private guard<T>(action: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw this.failure(err, action);
    }
  }

  /** A write on the hot paths (events, claims, runs, engine batches): committed with its turn's group. */
  private async commit<T>(action: string, fn: () => T): Promise<T> {
    try {
      return await this.group.run(fn);
    } catch (err) {
      throw this.failure(err, action);
    }
  }

  /** A closed store says so as a typed error that is not retried; anything else names the file. */
  private failure(err: unknown, action: string): Error {
    return this.db.open ? toStoreError(err, this.path, action) : new StoreClosedError(this.path, action);
  }

  async createRun(run: RunRecord): Promise<void> {
    await this.commit(`cannot create run ${run.id}`, () => this.createRunTx(run));
  }

  async createRunIfAbsent(run: RunRecord): Promise<boolean> {
    return this.commit(`cannot create run ${run.id}`, () => this.createRunIfAbsentTx(run));
  }

  async applyWrites(writes: readonly StoreWrite[]): Promise<void> {
    await this.commit('cannot apply writes', () => this.writeBatch(writes));
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    return this.guard('cannot read run', () => {
      const row = this.s.getRun.get(id);
      return row === undefined ? undefined : runFromRow(row);
    });
  }

  async listRuns(filter?: RunFilter): Promise<RunRecord[]> {
    return this.guard('cannot list runs', () => this.lister.list(filter));
  }

  async listTaskRuns(runId: string): Promise<TaskRunRecord[]> {
    return this.guard('cannot list task runs', () => this.s.listTaskRuns.all(runId).map(taskRunFromRow));
  }

  async listRunEvents(runId: string, afterSeq = 0): Promise<RunEventRecord[]> {
    return this.guard('cannot list run events', () => this.s.listEvents.all(runId, afterSeq).map(eventFromRow));
  }

  async listOutputs(runId: string): Promise<OutputRecord[]> {
    return this.guard('cannot list outputs', () => this.s.listOutputs.all(runId).map(outputFromRow));
  }

  async listArtifacts(runId: string): Promise<RunArtifactRecord[]> {
    return this.guard('cannot list artifacts', () => this.s.listArtifacts.all(runId).map(artifactFromRow));
  }

  async listMetrics(runId: string): Promise<MetricRecord[]> {
    return this.guard('cannot list metrics', () => this.s.listMetrics.all(runId).map(metricFromRow));
  }

  async claimRun(runId: string, owner: string, ownerPid: number, expectedOwner: string | undefined): Promise<boolean> {
    return this.guard('cannot claim run', () => {
      if (this.s.claimRun.run(owner, ownerPid, runId, expectedOwner ?? null).changes === 1) return true;
      this.mustExist(runId);
      return false;
    });
  }

  async releaseRun(runId: string, owner: string): Promise<void> {
    // Once per finished run: committed with its turn's group, not alone.
    await this.commit('cannot release run', () => {
      if (this.s.releaseRun.run(runId, owner).changes === 0) this.mustExist(runId);
    });
  }

  async requestCancel(runId: string): Promise<void> {
    this.guard('cannot request cancel', () => {
      if (this.s.requestCancel.run(runId).changes === 0) this.mustExist(runId);
    });
  }

  async recordEvent(event: IncomingEvent, eventId: string, receivedAt: number): Promise<RecordEventResult> {
    return this.commit(`cannot record event ${JSON.stringify(event.id)} from ${event.sourceName}`, () =>
      this.events.record(event, eventId, receivedAt),
    );
  }

  async getEvent(eventId: string): Promise<StoredEvent | undefined> {
    return this.guard('cannot read event', () => this.events.getEvent(eventId));
  }

  async listEvents(filter?: EventFilter): Promise<StoredEvent[]> {
    return this.guard('cannot list events', () => this.events.list(filter));
  }

  async setEventStatus(eventId: string, status: StoredEvent['status'], error?: string): Promise<void> {
    await this.commit(`cannot set the status of event ${eventId}`, () => this.events.setEventStatus(eventId, status, error));
  }

  async claimTrigger(claim: TriggerClaim, now: number): Promise<TriggerClaimResult> {
    return this.commit(`cannot claim trigger ${claim.sensor}/${claim.trigger}`, () => this.claims.claim(claim, now));
  }

  async pruneTriggerClaims(now: number): Promise<number> {
    return this.guard('cannot prune trigger claims', () => this.claims.pruneExpired(now));
  }

  async listRunsForEvent(eventId: string): Promise<string[]> {
    return this.guard('cannot list runs for event', () => this.claims.listRunsForEvent(eventId));
  }

  async recordDeadLetter(letter: DeadLetter): Promise<number> {
    return this.commit(`cannot record dead letter for ${letter.sensor}/${letter.trigger}`, () => this.deadLetters.record(letter));
  }

  async listDeadLetters(filter?: DeadLetterFilter): Promise<DeadLetterRecord[]> {
    return this.guard('cannot list dead letters', () => this.deadLetters.list(filter));
  }

  async getCronTick(source: string, schedule: string): Promise<number | undefined> {
    return this.guard('cannot read cron state', () => this.cronTicks.get(source, schedule));
  }

  async setCronTick(source: string, schedule: string, tick: number): Promise<void> {
    await this.commit('cannot write cron state', () => this.cronTicks.set(source, schedule, tick));
  }

  async loadSensorState(sensor: string): Promise<SensorStateRecord | undefined> {
    return this.guard(`cannot read the state of sensor ${sensor}`, () => this.sensorStates.load(sensor));
  }

  async saveSensorState(record: SensorStateRecord): Promise<void> {
    await this.commit(`cannot save the state of sensor ${record.sensor}`, () => this.sensorStates.save(record));
  }

  async getCacheEntry(key: string): Promise<CacheEntryRecord | undefined> {
    return this.guard('cannot read the cache', () => this.cacheEntries.getEntry(key));
  }

  async putCacheEntry(entry: CacheEntryRecord): Promise<void> {
    await this.commit(`cannot store cache entry ${entry.key}`, () => this.cacheEntries.putEntry(entry));
  }

  async recordCacheHit(key: string, time: number): Promise<void> {
    await this.commit(`cannot record a hit of cache entry ${key}`, () => this.cacheEntries.recordHit(key, time));
  }

  async listCacheEntries(filter?: CacheEntryFilter): Promise<CacheEntryRecord[]> {
    return this.guard('cannot list cache entries', () => this.cacheEntries.list(filter));
  }

  async deleteCacheEntries(keys: readonly string[]): Promise<number> {
    return this.commit('cannot delete cache entries', () => this.cacheEntries.delete(keys));
  }

  async invalidateCacheEntry(key: string, createdAt: number): Promise<boolean> {
    return this.commit(`cannot delete cache entry ${key}`, () => this.cacheEntries.invalidate(key, createdAt));
  }

  async pruneCacheEntries(createdBefore: number): Promise<number> {
    return this.commit('cannot prune the cache', () => this.cacheEntries.pruneBefore(createdBefore));
  }

  async listTaskInputs(runId: string): Promise<TaskInputRecord[]> {
    return this.guard('cannot list task inputs', () => this.tracking.inputsOf(runId));
  }

  async listArtifactConsumers(digest: string): Promise<TaskInputRecord[]> {
    return this.guard('cannot list artifact consumers', () => this.tracking.consumersOf(digest));
  }

  async listArtifactProducers(digest: string): Promise<RunArtifactRecord[]> {
    return this.guard('cannot list artifact producers', () => this.tracking.producersOf(digest));
  }

  async findArtifactDigests(prefix: string, limit: number): Promise<string[]> {
    return this.guard('cannot look up artifacts', () => this.tracking.findDigests(prefix, limit));
  }

  async listExperiments(): Promise<ExperimentSummary[]> {
    return this.guard('cannot list experiments', () => this.tracking.listExperiments());
  }

  async getMlflowExport(runId: string): Promise<MlflowExportRecord | undefined> {
    return this.guard('cannot read the MLflow export state', () => this.mlflowExports.getExport(runId));
  }

  async putMlflowExport(record: MlflowExportRecord): Promise<void> {
    await this.commit(`cannot record the MLflow export state of run ${record.runId}`, () => this.mlflowExports.putExport(record));
  }

  async listMlflowExports(filter?: MlflowExportFilter): Promise<MlflowExportRecord[]> {
    return this.guard('cannot list MLflow exports', () => this.mlflowExports.list(filter));
  }

  async leaseMlflowExport(runId: string, holder: string, now: number, until: number): Promise<boolean> {
    // At once, not with the turn's group: the answer decides whether this process exports.
    return this.guard(`cannot take the MLflow export lease of run ${runId}`, () => this.mlflowExports.takeLease(runId, holder, now, until));
  }

  async releaseMlflowExport(runId: string, holder: string): Promise<void> {
    await this.commit(`cannot release the MLflow export lease of run ${runId}`, () => this.mlflowExports.releaseLease(runId, holder));
  }

  async acquireLock(request: LockHolderRecord, limit: number): Promise<LockAcquisition> {
    return this.commit(`cannot acquire ${request.lock}`, () => this.syncLocks.acquire(request, limit));
  }

  async releaseLock(lock: string, holder: string): Promise<void> {
    await this.commit(`cannot release ${lock}`, () => this.syncLocks.release(lock, holder));
  }

  async listLocks(): Promise<LockHolderRecord[]> {
    return this.guard('cannot list lock holders', () => this.syncLocks.list());
  }

  async nextMlflowExportDue(): Promise<number | undefined> {
    return this.guard('cannot read the MLflow export state', () => this.mlflowExports.earliestDue());
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.group.flush();
    await this.checkpointer?.close();
    this.db.close();
  }

  private mustExist(runId: string): void {
    if (this.s.runCreatedAt.get(runId) === undefined) throw new NotFoundError('run', runId);
  }
}

function runParams(run: RunRecord): InsertRunParams {
  return [
    run.id,
    run.workflow,
    run.version,
    run.status,
    run.message ?? null,
    JSON.stringify(run.params),
    JSON.stringify(run.spec),
    run.baseDir,
    run.sourceFile ?? null,
    JSON.stringify(run.origin),
    run.createdAt,
    run.startedAt ?? null,
    run.finishedAt ?? null,
    run.owner ?? null,
    run.ownerPid ?? null,
    run.cancelRequested ? 1 : 0,
    toJson(run.outputs),
    run.experiment ?? null,
    run.routing?.lane ?? null,
    toJson(run.routing),
    run.noCache === true ? 1 : 0,
    engineOf(run),
  ];
}
