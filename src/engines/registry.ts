// The engines registry: the one place an engine is chosen for a run. A new run is routed first
// (the router decides its lane and records why), then handed to the engine its lane is bound to
// in `lanes` (tandem.yaml), which only executes it. Everything later done to a run (watch, wait,
// cancel, logs, resume) reaches the engine that executes it, found from the routing the run
// recorded. The CLI, `tandem serve`, the API and the event layer hold this registry, never an
// engine; the composition roots register the engines (local always; argo and kfp when configured).
// A run bound to an engine this process has not registered is refused, never run elsewhere.
import { NotFoundError, TandemError } from '../errors.js';
import type { LaneStep } from '../router/engines.js';
import { runRouterFromConfig, type LaneOverride, type RunRouter } from '../router/run-routing.js';
import type { EngineName, LanesConfig, RoutingConfig } from '../router/types.js';
import type { RunReader, RunRecord } from '../store/ports/runs.js';
import type { CloseOptions, Engine, LogChunk, LogOptions, SubmitRequest } from './engine.js';
import { engineOf, type RunEvent } from './model.js';

/** A run as callers ask for it: the router has not decided its lane yet. */
export interface RunRequest extends Omit<SubmitRequest, 'routing'> {
  /** Forces a lane instead of the router's choice; the run records the override and who made it. */
  laneOverride?: LaneOverride;
}

/** Where a parent's `workflow` tasks start, follow and cancel their child runs. */
export interface ChildRunSubmitter {
  submit(request: RunRequest): Promise<{ runId: string }>;
  wait(runId: string): Promise<RunRecord>;
  cancel(runId: string): Promise<void>;
}

export interface EnginesOptions {
  /** Decides each new run's lane, and the engines its lane is bound to (router/run-routing.ts). */
  router: RunRouter;
  /** Where a run's recorded routing is read, to reach the engine executing it. */
  runs: Pick<RunReader, 'getRun'>;
}

/**
 * A run is bound to an engine this process has no connection to: a run recorded on argo while the
 * configuration now has no `argo.server`, or a composition root that did not register it.
 */
export class EngineNotRegisteredError extends TandemError {
  readonly code = 'ENGINE_NOT_REGISTERED';
  override readonly exitCode = 2;
  constructor(engine: string) {
    super(`no ${engine} engine is configured in this process: set ${engine === 'argo' ? 'argo.server' : engine === 'kfp' ? 'kfp.endpoint' : `the ${engine} engine's settings`} in tandem.yaml to reach the runs bound to it`);
    this.name = 'EngineNotRegisteredError';
  }
}

export class Engines {
  private readonly registered = new Map<string, Engine>();

  constructor(private readonly options: EnginesOptions) {}

  /** The registry tandem.yaml describes: its `routing` rules decide lanes, its `lanes` bind them to engines. */
  static fromConfig(config: { routing: RoutingConfig; lanes: LanesConfig }, runs: Pick<RunReader, 'getRun'>): Engines {
    return new Engines({ router: runRouterFromConfig(config), runs });
  }

  /** Makes `engine` execute the runs of every lane bound to `name`. */
  register(name: EngineName, engine: Engine): this {
    this.registered.set(name, engine);
    return this;
  }

  /** Routes a new run, then starts it on the engine that orchestrates its lane. */
  submit(request: RunRequest): Promise<{ runId: string }> {
    return this.start(request, 'orchestration');
  }

  /**
   * What a `workflow` task's child runs go through: routed like any run, and executed by the
   * engine of their lane's ML step (in a hybrid workflow the children are the KFP pipelines).
   */
  childRuns(): ChildRunSubmitter {
    return { submit: (request) => this.start(request, 'ml'), wait: (runId) => this.wait(runId), cancel: (runId) => this.cancel(runId) };
  }

  async *watch(runId: string): AsyncIterable<RunEvent> {
    yield* (await this.engineOf(runId)).watch(runId);
  }

  async wait(runId: string): Promise<RunRecord> {
    return (await this.engineOf(runId)).wait(runId);
  }

  async cancel(runId: string): Promise<void> {
    return (await this.engineOf(runId)).cancel(runId);
  }

  async *logs(runId: string, task?: string, options?: LogOptions): AsyncIterable<LogChunk> {
    yield* (await this.engineOf(runId)).logs(runId, task, options);
  }

  /** Takes over runs left in flight by dead processes: just `runId`, or every engine's; returns their ids. */
  async resume(runId?: string): Promise<string[]> {
    if (runId !== undefined) return (await this.engineOf(runId)).resume(runId);
    const resumed: string[] = [];
    for (const engine of this.engines()) resumed.push(...(await engine.resume()));
    return resumed;
  }

  /** Closes every registered engine (see Engine.close); the store stays open. */
  async close(options?: CloseOptions): Promise<void> {
    await Promise.all(this.engines().map((engine) => engine.close(options)));
  }

  private async start(request: RunRequest, step: LaneStep): Promise<{ runId: string }> {
    const { laneOverride, ...rest } = request;
    // The router decides first (it may throw RouteError); only then is the engine chosen.
    const routing = this.options.router(request.spec, laneOverride);
    return this.executor(routing.engines[step]).submit({ ...rest, routing });
  }

  /** The engine that executes an existing run: the one its recorded routing binds its step to. */
  private async engineOf(runId: string): Promise<Engine> {
    const run = await this.options.runs.getRun(runId);
    if (!run) throw new NotFoundError('run', runId);
    return this.executor(engineOf(run));
  }

  /** True when runs bound to `engine` can be executed or followed by this process. */
  has(engine: string): boolean {
    return this.registered.has(engine);
  }

  /** The registered engine that executes runs bound to `bound`. */
  private executor(bound: string): Engine {
    const engine = this.registered.get(bound);
    if (!engine) throw new EngineNotRegisteredError(bound);
    return engine;
  }

  /** Each registered engine once (one engine may be registered under several names). */
  private engines(): Engine[] {
    return [...new Set(this.registered.values())];
  }
}

