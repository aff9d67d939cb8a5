// JetStream intake: a durable pull consumer (created, or updated to the configuration), read with
// `consumer.consume()`. At least once: a message is acked only after the sink resolved, nak'ed with
// a growing delay when it rejected, kept alive with working() from the moment it is pulled (waiting
// for a place in the pipeline, then in the sink: see pulled.ts) until it is settled, and terminated when its
// payload will never decode. The event id is `<stream>:<stream sequence>`, the same on every
// redelivery, so the pipeline drops repeats.
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type ConsumerConfig,
  type ConsumerInfo,
  type ConsumerMessages,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { millis, nanos } from '@nats-io/transport-node';
import { durationMs } from '../../../spec/duration.js';
import { PayloadError } from '../../payload.js';
import { toIncomingEvent } from './event.js';
import { PulledMessages } from './pulled.js';
import { type Intake, type IntakeContext } from './intake.js';
import { NatsSourceError } from './options.js';
import type { NatsJetStreamConfig } from './schema.js';
import { backoffDelay } from '../../../util/backoff.js';
import { errorMessage } from '../../../util/error-message.js';

const DEFAULT_ACK_WAIT_MS = 30_000;

/** Delay before redelivery n+1 after the sink rejected delivery n: initial * 2^(n-1), capped. */
export function nakDelayMs(deliveryCount: number, config: NatsJetStreamConfig): number {
  const initial = config.backoff?.initial !== undefined ? durationMs(config.backoff.initial) : 1000;
  const max = config.backoff?.max !== undefined ? durationMs(config.backoff.max) : 60_000;
  return backoffDelay({ initialMs: initial, maxMs: max }, deliveryCount - 1);
}

function isNotFound(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}

async function ensureStream(jsm: JetStreamManager, js: NatsJetStreamConfig, subject: string): Promise<void> {
  try {
    await jsm.streams.info(js.stream);
  } catch (error) {
    if (!isNotFound(error, JetStreamApiCodes.StreamNotFound) || !js.createStream) throw error;
    await jsm.streams.add({ name: js.stream, subjects: [js.filterSubject ?? subject] });
  }
}

/** Creates the durable consumer, or brings an existing one to the configured ackWait, maxDeliver and filter. */
async function ensureConsumer(jsm: JetStreamManager, js: NatsJetStreamConfig, subject: string): Promise<ConsumerInfo> {
  const filter = js.filterSubject ?? subject;
  const wanted: Partial<ConsumerConfig> = { filter_subject: filter };
  if (js.ackWait !== undefined) wanted.ack_wait = nanos(durationMs(js.ackWait));
  if (js.maxDeliver !== undefined) wanted.max_deliver = js.maxDeliver;
  let existing: ConsumerInfo;
  try {
    existing = await jsm.consumers.info(js.stream, js.consumer);
  } catch (error) {
    if (!isNotFound(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
    return await jsm.consumers.add(js.stream, {
      ...wanted,
      durable_name: js.consumer,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: js.deliverPolicy === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
    });
  }
  const current = existing.config;
  if (current.deliver_subject) {
    throw new NatsSourceError(`nats: consumer ${js.consumer} on stream ${js.stream} is a push consumer; tandem needs a pull consumer`);
  }
  if (current.ack_policy !== AckPolicy.Explicit) {
    throw new NatsSourceError(`nats: consumer ${js.consumer} on stream ${js.stream} has ack policy ${current.ack_policy}; tandem needs explicit acks`);
  }
  const changed =
    current.filter_subject !== wanted.filter_subject ||
    (wanted.ack_wait !== undefined && current.ack_wait !== wanted.ack_wait) ||
    (wanted.max_deliver !== undefined && current.max_deliver !== wanted.max_deliver);
  return changed ? await jsm.consumers.update(js.stream, js.consumer, wanted) : existing;
}

/** Whether the server takes a reason after +TERM (nats-server 2.11 and later). */
function termTakesReason(version: string | undefined): boolean {
  const [major = 0, minor = 0] = (version ?? '').split('.').map((part) => Number.parseInt(part, 10) || 0);
  return major > 2 || (major === 2 && minor >= 11);
}

export async function startJetStream(context: IntakeContext): Promise<Intake> {
  const { config, nc, sink, counters, inflight, name } = context;
  const js = config.jetStream;
  if (!js) throw new TypeError('startJetStream without a jetStream configuration');
  const mode = config.payload ?? 'auto';
  const jsm = await jetstreamManager(nc);
  await ensureStream(jsm, js, config.subject);
  const info = await ensureConsumer(jsm, js, config.subject);
  const ackWaitMs = info.config.ack_wait ? millis(info.config.ack_wait) : DEFAULT_ACK_WAIT_MS;
  // working() resets the server's ack timer; three times per ackWait leaves room for a slow network.
  const workingEveryMs = Math.max(50, Math.floor(ackWaitMs / 3));
  const withReason = termTakesReason(nc.info?.version);
  const consumer = jetstream(nc).consumers.getConsumerFromInfo(info);
  const pulled = new PulledMessages(workingEveryMs);
  // Callback mode: each message is held (and kept alive) the moment the client receives it, not
  // when the loop below gets round to it.
  const messages: ConsumerMessages = await consumer.consume({ max_messages: inflight.limit, callback: (m) => pulled.arrived(m) });
  const ended = messages.closed().finally(() => pulled.end());

  /** Each message now in the pipeline, by event id: its delivery count and outcome (acked or not). */
  const active = new Map<string, { deliveryCount: number; acked: Promise<boolean> }>();

  async function handle(m: JsMsg): Promise<void> {
    if (m.redelivered) counters.redelivered++;
    const id = `${js!.stream}:${m.seq}`;
    const earlier = active.get(id);
    if (earlier) {
      // The server sent the message again while the first delivery is still with the pipeline:
      // settle this delivery the way the first one ends. nats-server 2.9 sometimes sends a
      // message twice as the same delivery (delivery count unchanged); a higher count means the
      // server's ack timer ran out although the message was kept alive (`expired`).
      counters.duplicates++;
      const expired = m.info.deliveryCount > earlier.deliveryCount;
      if (expired) counters.expired++;
      context.problem(
        `message ${id} was delivered again (delivery ${m.info.deliveryCount}, ${expired ? 'its ack timer ran out' : 'the same delivery repeated'}) while its delivery ${earlier.deliveryCount} is still in the pipeline`,
      );
      const acked = await earlier.acked;
      if (acked) m.ack();
      else m.nak(nakDelayMs(m.info.deliveryCount, js!));
      return;
    }
    let settle: (acked: boolean) => void = () => undefined;
    active.set(id, { deliveryCount: m.info.deliveryCount, acked: new Promise<boolean>((resolve) => (settle = resolve)) });
    let acked = false;
    try {
      acked = await deliver(m, id);
    } finally {
      active.delete(id);
      settle(acked);
    }
  }

  /** Hands one message to the sink and settles it with the server; true when the sink accepted it. */
  async function deliver(m: JsMsg, id: string): Promise<boolean> {
    let event;
    try {
      event = toIncomingEvent(m, {
        sourceName: name,
        source: `nats://${js!.stream}/${m.subject}`,
        mode,
        id,
        time: m.time,
        extensions: { 'nats-stream': js!.stream, 'nats-sequence': String(m.seq) },
      });
    } catch (error) {
      if (!(error instanceof PayloadError)) throw error;
      m.term(withReason ? error.message.slice(0, 200) : undefined);
      counters.terminated++;
      context.problem(`${error.message}; message ${id} terminated`);
      return false;
    }
    counters.received++;
    try {
      await sink.receive(event);
    } catch (error) {
      const delay = nakDelayMs(m.info.deliveryCount, js!);
      m.nak(delay);
      counters.naked++;
      context.problem(`the pipeline rejected event ${id} (delivery ${m.info.deliveryCount}); redelivery in ${delay}ms: ${errorMessage(error)}`);
      return false;
    }
    try {
      await m.ackAck();
      counters.acked++;
    } catch (error) {
      // The event is persisted; the server will redeliver it and the pipeline will see a duplicate.
      counters.failed++;
      context.problem(`ack of event ${id} not confirmed: ${errorMessage(error)}`);
    }
    return true;
  }

  async function run(): Promise<void> {
    for (let m = await pulled.next(); m !== undefined; m = await pulled.next()) {
      const message = m;
      if (!context.isStopping()) await inflight.acquire();
      if (context.isStopping()) {
        // Pulled but not handed over: give it back at once rather than after ackWait.
        message.nak();
        pulled.settled(message);
        counters.naked++;
        continue;
      }
      inflight.track(
        handle(message)
          .catch((error: unknown) => {
            message.nak(nakDelayMs(message.info.deliveryCount, js!));
            counters.naked++;
            context.problem(`message ${js!.stream}:${message.seq}: ${errorMessage(error)}`);
          })
          .finally(() => pulled.settled(message)),
      );
    }
    // The consumer stopped by itself (not by close()): the intake has failed.
    const outcome = await ended;
    if (outcome instanceof Error && !closed) throw outcome;
  }

  let closed = false;
  const notifications = (async () => {
    for await (const status of messages.status()) {
      switch (status.type) {
        case 'heartbeats_missed':
          context.problem(`jetstream: ${status.count} heartbeats missed`);
          break;
        case 'consumer_not_found':
        case 'consumer_deleted':
        case 'stream_not_found':
        case 'exceeded_limits':
        case 'no_responders':
          context.problem(`jetstream: ${status.type}${'description' in status ? ` (${status.description})` : ''}`);
          break;
        default:
          break;
      }
    }
  })();

  return {
    done: run(),
    async close() {
      if (closed) return;
      closed = true;
      await messages.close();
      await notifications.catch(() => undefined);
    },
    detail: () => ({
      mode: 'jetstream',
      stream: js.stream,
      consumer: js.consumer,
      subject: js.filterSubject ?? config.subject,
      ackWaitMs,
      // Pulled from the server and not yet settled (queued here or in the pipeline).
      held: pulled.size,
    }),
  };
}
