// The `nats` event source: connects (with reconnect backoff), runs a core or a JetStream intake,
// follows the connection's status for health(), and stops in order: stop taking messages, let the
// deliveries already handed to the pipeline finish (up to a deadline), then drain the connection.
import { connect as natsConnect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { durationMs } from '../../../spec/duration.js';
import type { EventSink, EventSource, SourceHealth, SourceState } from '../../source.js';
import { errorMessage } from '../../../util/error-message.js';
import { Lifecycle } from '../../lifecycle.js';
import { startCore } from './core.js';
import { InFlight } from './inflight.js';
import { zeroCounters, type Intake, type NatsCounters } from './intake.js';
import { startJetStream } from './jetstream.js';
import { connectionOptions, NatsSourceError, serversOf, type ReconnectBackoff } from './options.js';
import { DEFAULT_MAX_IN_FLIGHT, type NatsSourceConfig } from './schema.js';

export interface NatsSourceDeps {
  env?: NodeJS.ProcessEnv;
  connect?: (options: NodeConnectionOptions) => Promise<NatsConnection>;
  /** Called with each problem health() will show as lastError (for a logger). */
  onProblem?: (message: string) => void;
}

const DEFAULT_STOP_TIMEOUT_MS = 10_000;

function within<T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, ms));
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export class NatsEventSource implements EventSource {
  readonly kind = 'nats' as const;
  private state: SourceState = 'starting';
  private lastError: string | undefined;
  private readonly counts: NatsCounters = zeroCounters();
  private nc: NatsConnection | undefined;
  private intake: Intake | undefined;
  private intakeDone: Promise<void> = Promise.resolve();
  private watcher: Promise<void> = Promise.resolve();
  private inflight: InFlight;
  private stopping = false;
  private readonly lifecycle = new Lifecycle();

  constructor(
    readonly name: string,
    readonly config: NatsSourceConfig,
    private readonly deps: NatsSourceDeps = {},
  ) {
    this.inflight = new InFlight(config.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
  }

  /**
   * Connects and starts the intake. A second call while started (or starting) does nothing; one
   * made while stop() is under way connects once that stop has finished (see lifecycle.ts).
   */
  start(sink: EventSink): Promise<void> {
    return this.lifecycle.start(() => this.connectAndStart(sink));
  }

  private async connectAndStart(sink: EventSink): Promise<void> {
    this.stopping = false;
    this.state = 'starting';
    this.lastError = undefined;
    this.inflight = new InFlight(this.config.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
    let built;
    try {
      built = connectionOptions(this.config, { name: `tandem:${this.name}`, env: this.deps.env });
    } catch (error) {
      this.state = 'failed';
      this.problem(errorMessage(error));
      throw error;
    }
    const { options, backoff } = built;
    let nc: NatsConnection;
    try {
      nc = await (this.deps.connect ?? natsConnect)(options);
    } catch (error) {
      this.state = 'failed';
      this.problem(`cannot connect to ${serversOf(this.config).join(', ')}: ${errorMessage(error)}`);
      throw new NatsSourceError(`nats source ${JSON.stringify(this.name)}: cannot connect to ${serversOf(this.config).join(', ')}: ${errorMessage(error)}`, { cause: error });
    }
    this.nc = nc;
    this.state = 'connected';
    this.watcher = this.watch(nc, backoff);
    const context = {
      name: this.name,
      config: this.config,
      nc,
      sink,
      counters: this.counts,
      inflight: this.inflight,
      isStopping: () => this.stopping,
      problem: (message: string) => this.problem(message),
    };
    try {
      this.intake = this.config.jetStream ? await startJetStream(context) : await startCore(context);
    } catch (error) {
      this.stopping = true;
      this.state = 'failed';
      this.problem(errorMessage(error));
      this.nc = undefined;
      await nc.close().catch(() => undefined);
      throw error instanceof NatsSourceError
        ? error
        : new NatsSourceError(`nats source ${JSON.stringify(this.name)}: cannot subscribe: ${errorMessage(error)}`, { cause: error });
    }
    this.intakeDone = this.intake.done.then(
      () => {
        if (!this.stopping) this.problem('the intake ended without stop()');
      },
      (error: unknown) => {
        if (this.stopping) return;
        this.state = 'failed';
        this.problem(`intake failed: ${errorMessage(error)}`);
      },
    );
  }

  /**
   * Stops taking messages, lets what the pipeline holds settle, closes the connection. A stop made
   * during start() waits for it, so the connection it opens does not outlive the stop. lastError
   * keeps what went wrong before.
   */
  stop(): Promise<void> {
    return this.lifecycle.stop(() => this.disconnect());
  }

  private async disconnect(): Promise<void> {
    const nc = this.nc;
    if (!nc) {
      this.state = 'stopped';
      return;
    }
    this.stopping = true;
    const deadline = Date.now() + (this.config.stopTimeout !== undefined ? durationMs(this.config.stopTimeout) : DEFAULT_STOP_TIMEOUT_MS);
    const left = () => deadline - Date.now();
    // JetStream: what was pulled but not handed over goes back at once (nak); core: it is still handled.
    if (this.config.jetStream) this.inflight.close();
    await within(this.intake?.close().catch(() => undefined) ?? Promise.resolve(), left());
    await within(this.intakeDone, left());
    if (!(await this.inflight.idle(left()))) {
      this.problem(`stopped with ${this.inflight.size} deliveries still in the pipeline; JetStream redelivers them after ackWait`);
    }
    this.inflight.close();
    await within(
      nc.drain().catch(() => nc.close()),
      Math.max(left(), 1000),
    );
    if (!nc.isClosed()) await nc.close().catch(() => undefined);
    await within(this.watcher, 1000);
    this.nc = undefined;
    this.intake = undefined;
    this.state = 'stopped';
  }

  health(): SourceHealth {
    const health: SourceHealth = {
      name: this.name,
      kind: this.kind,
      state: this.state,
      received: this.counts.received,
      detail: {
        servers: serversOf(this.config),
        ...(this.nc && !this.nc.isClosed() ? { server: this.nc.getServer() } : {}),
        ...(this.intake?.detail() ?? { subject: this.config.subject }),
        inFlight: this.inflight.size,
        counters: { ...this.counts },
      },
    };
    if (this.lastError !== undefined) health.lastError = this.lastError;
    return health;
  }

  /** A copy of the counters (received, acked, naked, terminated, redelivered, failed, reconnects). */
  counters(): NatsCounters {
    return { ...this.counts };
  }

  private problem(message: string): void {
    this.lastError = message;
    this.deps.onProblem?.(message);
  }

  private async watch(nc: NatsConnection, backoff: ReconnectBackoff): Promise<void> {
    // Only the current connection speaks for the source: one a stop() closed is past.
    void nc.closed().then((error) => {
      if (this.stopping || this.nc !== nc) return;
      this.state = 'failed';
      this.problem(`connection closed${error ? `: ${errorMessage(error)}` : ''}`);
    });
    for await (const status of nc.status()) {
      switch (status.type) {
        case 'disconnect':
          if (!this.stopping) this.state = this.config.reconnect?.maxAttempts === 0 ? 'disconnected' : 'reconnecting';
          this.problem(`disconnected from ${status.server}`);
          break;
        case 'reconnecting':
          backoff.attempted();
          break;
        case 'reconnect':
          backoff.reset();
          this.counts.reconnects++;
          if (!this.stopping) this.state = 'connected';
          break;
        case 'error':
          this.problem(errorMessage(status.error));
          break;
        case 'staleConnection':
          this.problem('stale connection: the server stopped answering pings');
          break;
        case 'slowConsumer':
          this.problem(`slow consumer: ${status.pending} messages pending in the client`);
          break;
        case 'ldm':
          this.problem(`server ${status.server} is entering lame duck mode`);
          break;
        default:
          break;
      }
    }
  }
}
