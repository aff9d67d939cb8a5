// Publishing dead letters to the NATS subject a trigger names (`deadLetter.subject`), as Argo
// Events' dlqTrigger does: one JSON message per trigger that failed for good, through the
// connection settings (servers, auth, TLS) of the project's NATS event source. The record in the
// store stays the dead letter of record; a message is what other systems subscribe to.
import { connect, headers as natsHeaders, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { errorMessage } from '../../../util/error-message.js';
import { connectionOptions, NatsSourceError } from './options.js';
import type { NatsSourceConfig } from './schema.js';

/** How long one dead letter may take to reach the server before its publish counts as failed. */
const PUBLISH_TIMEOUT_MS = 5_000;

interface DeadLetterPublisherDeps {
  env?: NodeJS.ProcessEnv;
  connect?: (options: NodeConnectionOptions) => Promise<NatsConnection>;
}

export class NatsDeadLetterPublisher {
  private connection: Promise<NatsConnection> | undefined;
  private closed = false;

  /** `source` names the event source whose connection settings are used, for messages. */
  constructor(
    private readonly source: string,
    private readonly config: NatsSourceConfig,
    private readonly deps: DeadLetterPublisherDeps = {},
  ) {}

  /**
   * Publishes one letter and waits until the server has it (a flush), at most PUBLISH_TIMEOUT_MS.
   * The connection is opened at the first letter; one that could not be opened is tried again at
   * the next. Rejects with a NatsSourceError naming the subject and the source.
   */
  async publish(subject: string, letter: Record<string, unknown>): Promise<void> {
    if (this.closed) throw new NatsSourceError(`dead letter for ${subject} not published: the publisher is closed`);
    try {
      const nc = await this.connect();
      const headers = natsHeaders();
      headers.set('Content-Type', 'application/json');
      nc.publish(subject, JSON.stringify(letter), { headers });
      await within(nc.flush(), PUBLISH_TIMEOUT_MS, `the server did not confirm it within ${PUBLISH_TIMEOUT_MS} ms`);
    } catch (error) {
      throw new NatsSourceError(`dead letter not published to ${subject} (through event source ${this.source}): ${errorMessage(error)}`, { cause: error });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const pending = this.connection;
    this.connection = undefined;
    const nc = await pending?.catch(() => undefined);
    await nc?.drain().catch(() => nc.close());
  }

  private connect(): Promise<NatsConnection> {
    if (this.connection) return this.connection;
    const { options } = connectionOptions(this.config, { name: 'tandem:dead-letters', ...(this.deps.env ? { env: this.deps.env } : {}) });
    const opening = (this.deps.connect ?? connect)(options);
    this.connection = opening;
    opening.catch(() => {
      if (this.connection === opening) this.connection = undefined;
    });
    return opening;
  }
}

function within<T>(work: Promise<T>, ms: number, why: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(why)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
