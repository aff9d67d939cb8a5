// Core NATS intake: a plain subscription (optionally in a queue group). At most once: there is
// nothing to acknowledge, so an event the sink rejects is counted as failed and is gone.
import { toIncomingEvent } from './event.js';
import { errorMessage } from '../../../util/error-message.js';
import { type Intake, type IntakeContext } from './intake.js';
import { PayloadError } from '../../payload.js';
import type { Msg } from '@nats-io/transport-node';

export async function startCore(context: IntakeContext): Promise<Intake> {
  const { config, nc, sink, counters, inflight, name } = context;
  const mode = config.payload ?? 'auto';
  const sub = config.queue !== undefined ? nc.subscribe(config.subject, { queue: config.queue }) : nc.subscribe(config.subject);

  async function handle(msg: Msg): Promise<void> {
    let event;
    try {
      event = toIncomingEvent(msg, { sourceName: name, source: `nats://${nc.getServer()}/${msg.subject}`, mode });
    } catch (error) {
      if (!(error instanceof PayloadError)) throw error;
      counters.terminated++;
      context.problem(`${error.message}; message on ${msg.subject} dropped`);
      return;
    }
    counters.received++;
    try {
      await sink.receive(event);
      counters.acked++;
    } catch (error) {
      counters.failed++;
      context.problem(`the pipeline rejected event ${event.id} (core NATS cannot redeliver it): ${errorMessage(error)}`);
    }
  }

  async function run(): Promise<void> {
    for await (const msg of sub) {
      await inflight.acquire();
      inflight.track(
        handle(msg).catch((error: unknown) => {
          counters.failed++;
          context.problem(`message on ${msg.subject}: ${errorMessage(error)}`);
        }),
      );
    }
  }

  // Once the server has the subscription, start() may resolve: a message published after it is ours.
  await nc.flush();
  return {
    done: run(),
    async close() {
      // drain: the server stops sending; what the client already holds is still handed to the sink.
      if (!sub.isClosed() && !nc.isClosed()) await sub.drain().catch(() => sub.unsubscribe());
    },
    detail: () => ({ mode: 'core', subject: config.subject, ...(config.queue !== undefined ? { queue: config.queue } : {}), pending: sub.getPending() }),
  };
}
