// The long-running control plane (`tandem serve`): the store and the engines registry, the event
// pipeline with the project's sensors, the event sources, and the HTTP API. Start-up resumes runs
// a previous process left in flight; shutdown stops taking events first, lets running tasks finish
// up to a grace period, and commits everything before it closes the store.
import type { TandemConfig } from '../config/types.js';
import { openEngines } from '../wiring/engines.js';
import type { Engines } from '../engines/registry.js';
import { ApiRunStarter } from '../events/api-runs.js';
import { EventPipeline } from '../events/pipeline.js';
import type { TriggerOutcome } from '../events/sensor-runner.js';
import type { EventSource } from '../events/source.js';
import { CronEventSource } from '../events/sources/cron/source.js';
import { NatsEventSource } from '../events/sources/nats/source.js';
import { WebhookEventSource } from '../events/sources/webhook/source.js';
import type { Project } from '../project/load.js';
import { readSecret } from '../secrets.js';
import { openStore } from '../store/sqlite/open.js';
import { createMlflowMirror } from '../tracking/mlflow/from-config.js';
import { isMlLaneRun } from '../tracking/mlflow/lane.js';
import type { MlflowMirror } from '../tracking/mlflow/mirror.js';
import type { MlflowConfig } from '../config/types.js';
import type { Store } from '../store/store.js';
import { buildApiServer } from './api.js';
import { LISTEN_BACKLOG, type TandemServer } from './app.js';
import { TokenAuth } from './auth.js';
import { silentLogger, type Logger } from './log.js';
import { ServerMetrics } from './metrics.js';
import { backoffDelay } from '../util/backoff.js';

export interface ControlPlaneOptions {
  project: Project;
  config: TandemConfig;
  /** Overrides the project's server.port (0: any free port). */
  port?: number;
  host?: string;
  /** Where the control plane logs (pino); silent by default. */
  logger?: Logger;
}

const PRUNE_CLAIMS_EVERY_MS = 10 * 60_000;

export class ControlPlane {
  private pruneTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private readonly retryTimers = new Set<NodeJS.Timeout>();

  private constructor(
    /** Shared with /readyz, which answers from it. */
    private readonly readiness: { ready: boolean },
    readonly url: string,
    readonly resumed: string[],
    private readonly store: Store,
    private readonly engines: Engines,
    private readonly server: TandemServer,
    readonly sources: EventSource[],
    readonly pipeline: EventPipeline,
    private readonly options: ControlPlaneOptions,
    private readonly mirror: MlflowMirror | undefined,
  ) {}

  static async start(options: ControlPlaneOptions): Promise<ControlPlane> {
    const { project, config } = options;
    const logger = options.logger ?? silentLogger();
    // Secrets first: a missing token fails start-up before anything listens.
    const tokens = project.server.tokens.map((t) => ({ name: t.name, token: readSecret(t.token), namespaces: t.namespaces }));
    const store = await openStore({ home: config.home });
    const mirror = config.mlflow ? startMlflowMirror(config.mlflow, store, logger) : undefined;
    const engines = await openEngines(config, store, {
      onError: (error) => logger.error({ err: error }, 'engine error'),
      ...(mirror ? { onRunFinished: (runId: string) => void mirrorFinishedRun(mirror, store, runId) } : {}),
    });
    // Every registered engine takes over the runs a dead process left in flight.
    const resumed = await engines.resume();
    if (resumed.length > 0) logger.info({ runIds: resumed }, `resumed ${resumed.length} run(s) left in flight`);

    const metrics = new ServerMetrics();
    const pipeline = new EventPipeline({
      store,
      engine: engines,
      catalog: project.catalog,
      sensors: project.sensors,
      onEvent: (event, result) => {
        metrics.eventsReceived.inc({ source: event.sourceName, duplicate: String(result.duplicate) });
        logger.debug({ eventId: result.eventId, source: event.sourceName, sourceId: event.id, type: event.type, duplicate: result.duplicate, runIds: result.runIds }, 'event');
      },
      onTrigger: (outcome) => {
        metrics.triggersFired.inc({ sensor: outcome.sensor, trigger: outcome.trigger, outcome: outcome.outcome });
        logTrigger(logger, outcome);
      },
    });
    const sources = project.eventSources.map((source): EventSource => {
      if (source.kind === 'nats') return new NatsEventSource(source.name, source.config);
      if (source.kind === 'webhook') return new WebhookEventSource(source.name, source.config);
      return new CronEventSource(source.name, source.config, store);
    });
    const readiness = { ready: false };
    const server = buildApiServer({
      auth: new TokenAuth(tokens),
      context: { store, engine: engines, catalog: project.catalog, runs: new ApiRunStarter(store, engines, project.catalog), pipeline },
      health: { ready: () => readiness.ready, sources: () => sources.map((s) => s.health()) },
      metrics,
      onError: (error, request) => logger.error({ err: error, method: request.method, url: request.url }, 'request failed'),
    });
    for (const source of sources) source.mountRoutes?.(server.app);
    const address = await server.app.listen({ host: options.host ?? project.server.host, port: options.port ?? project.server.port, backlog: LISTEN_BACKLOG });
    const plane = new ControlPlane(readiness, address, resumed, store, engines, server, sources, pipeline, options, mirror);
    metrics.watchSources(() => sources.map((source) => source.health()));
    // Events an earlier process recorded but never dispatched (it died in between): a webhook
    // sender that got no answer may never send again, so they are dispatched now.
    await pipeline.restoreSensorStates();
    const redispatched = await pipeline.redispatchReceived((eventId, error) => logger.error({ eventId, err: error }, 'stored event could not be dispatched'));
    if (redispatched > 0) logger.info({ count: redispatched }, 'dispatched events left undispatched by an earlier process');
    for (const source of sources) await plane.startSource(source, logger);
    pipeline.startResets();
    plane.pruneTimer = setInterval(() => void pipeline.pruneClaims().catch(() => undefined), PRUNE_CLAIMS_EVERY_MS).unref();
    readiness.ready = true;
    return plane;
  }

  /**
   * Starts a source; one that cannot start (its NATS server is down, say) does not keep the rest of
   * the control plane from serving: it is retried with backoff, and /healthz shows it as down.
   */
  private async startSource(source: EventSource, logger: Logger, attempt = 1): Promise<void> {
    try {
      await source.start(this.pipeline);
      if (attempt > 1) logger.info({ source: source.name, attempt }, `event source ${source.name} started`);
    } catch (error) {
      if (this.stopping) return;
      const delay = backoffDelay({ initialMs: 500, maxMs: 30_000 }, attempt - 1);
      logger.warn({ source: source.name, attempt, retryInMs: delay, err: error }, `event source ${source.name} could not start`);
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        void this.startSource(source, logger, attempt + 1);
      }, delay);
      this.retryTimers.add(timer);
    }
  }

  /** Graceful shutdown: stop taking events, let running tasks finish (up to the grace period), commit, close. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.readiness.ready = false;
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await Promise.allSettled(this.sources.map((source) => source.stop()));
    this.pipeline.stop();
    await this.engines.close({ drainMs: this.options.project.server.shutdownGraceMs });
    await this.mirror?.stop();
    await this.server.app.close();
    await this.store.close();
  }
}

/** One line per trigger outcome, carrying the correlation fields that join event, trigger and run. */
function logTrigger(logger: Logger, outcome: TriggerOutcome): void {
  const fields = {
    correlationId: outcome.eventIds[0],
    eventIds: outcome.eventIds,
    sensor: outcome.sensor,
    trigger: outcome.trigger,
    outcome: outcome.outcome,
    attempts: outcome.attempts,
    ...(outcome.runId !== undefined ? { runId: outcome.runId } : {}),
  };
  if (outcome.outcome === 'dead-letter') logger.warn({ ...fields, error: outcome.error }, 'trigger dead-lettered');
  else logger.info(fields, outcome.outcome === 'started' ? 'trigger started a run' : `trigger ${outcome.outcome}`);
}

/** The MLflow mirror of `tandem serve`: exports ML-lane runs as they finish, and retries what is due. */
function startMlflowMirror(config: MlflowConfig, store: Store, logger: Logger): MlflowMirror {
  const mirror = createMlflowMirror(config, store, {
    onResult: (result) => {
      const { status, mlflowRunId, attempts, nextAttemptAt } = result.record;
      if (result.busy) logger.info({ runId: result.runId }, 'MLflow export left to the process exporting it');
      else if (result.error) logger.warn({ runId: result.runId, status, attempts, nextAttemptAt, error: result.error.message }, 'MLflow export delayed');
      else logger.info({ runId: result.runId, mlflowRunId, status }, 'run mirrored to MLflow');
    },
    onError: (error) => logger.error({ err: error }, 'MLflow mirror error'),
  });
  mirror.start();
  return mirror;
}

async function mirrorFinishedRun(mirror: MlflowMirror, store: Store, runId: string): Promise<void> {
  const run = await store.getRun(runId);
  if (run && isMlLaneRun(run)) await mirror.exportRun(runId);
}
