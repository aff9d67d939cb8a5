// The webhook event source: one POST route on the server's Fastify instance (the server owns the
// listener). Order of work for a delivery:
//   onRequest  not started → 503; bearer token checked before a byte of body is read
//   parsing    raw bytes only; Content-Length over the limit → 413 at once, a chunked body → 413
//              the moment the count passes the limit (the connection is then closed)
//   handler    HMAC over the raw bytes → payload decoded → IncomingEvent → sink.receive →
//              202 { eventId, duplicate, runIds } once it resolves; 503 + Retry-After if it rejects
//              because tandem cannot record it now (the store), 422 if it rejects for good (the
//              same body would fail again: a 5xx would have the sender retry it forever)
// Every authentication failure is the same 401 body; the reason is counted, never sent.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { TandemError } from '../../../errors.js';
import { readSecret } from '../../../secrets.js';
import { durationMs } from '../../../spec/duration.js';
import { PayloadError } from '../../payload.js';
import type { EventSink, EventSource, HttpRouteHost, SourceHealth, SourceState } from '../../source.js';
import { CloudEventError } from './cloudevent.js';
import { buildEvent, DeliveryError } from './event.js';
import { header } from './headers.js';
import { WEBHOOK_DEFAULTS, type WebhookSourceConfig } from './schema.js';
import { verifyBearer, verifyHmac, type AuthFailure, type AuthResult } from './verify.js';
import { errorMessage } from '../../../util/error-message.js';

declare module 'fastify' {
  // The same declaration as the server's (src/server/app.ts): routes that carry their own auth opt out of API tokens.
  interface FastifyContextConfig {
    auth?: boolean;
    summary?: string;
  }
}

export interface WebhookSourceOptions {
  /** Where SecretRefs of kind `env` are looked up; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Epoch ms; default Date.now. Used for timestamp tolerance and event times. */
  now?: () => number;
  /** Seconds in the Retry-After header of a 503; default 5. */
  retryAfterSeconds?: number;
  /** Told about each refused or failed delivery (for logs); never given a secret. */
  onReject?: (info: { source: string; status: number; reason: string }) => void;
}

interface Secrets {
  hmac?: string;
  bearer?: string;
}

const UNAUTHORIZED = { error: 'unauthorized' } as const;

/** The `error` label of an answer: its status's reason phrase, as the API's answers carry. */
const label = (status: number): string => (STATUS_CODES[status] ?? 'error').toLowerCase();

type Refusal = AuthFailure | 'too-large' | 'bad-payload' | 'unavailable';

export class WebhookEventSource implements EventSource {
  readonly kind = 'webhook' as const;
  readonly path: string;
  readonly maxBodyBytes: number;
  private readonly now: () => number;
  private readonly retryAfter: string;
  private readonly toleranceMs: number;
  private sink: EventSink | undefined;
  private secrets: Secrets = {};
  private state: SourceState = 'starting';
  private lastError: string | undefined;
  private received = 0;
  private readonly refused: Partial<Record<Refusal, number>> = {};
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    readonly name: string,
    private readonly config: WebhookSourceConfig,
    private readonly options: WebhookSourceOptions = {},
  ) {
    this.path = config.path ?? `/events/${name}`;
    this.maxBodyBytes = config.maxBodyBytes ?? WEBHOOK_DEFAULTS.maxBodyBytes;
    this.now = options.now ?? Date.now;
    this.retryAfter = String(options.retryAfterSeconds ?? 5);
    this.toleranceMs = durationMs(config.hmac?.tolerance ?? WEBHOOK_DEFAULTS.tolerance);
  }

  /**
   * Adds the route to the server (a Fastify instance), in its own encapsulated context: its
   * content-type parser and error handler touch no other route. Call before the server listens.
   */
  mountRoutes(host: HttpRouteHost): void {
    void host.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: this.maxBodyBytes }, (_request, body, done) => {
        done(null, body);
      });
      scope.setErrorHandler(async (error, _request, reply) => this.answerError(error, reply));
      scope.route({
        method: 'POST',
        url: this.path,
        bodyLimit: this.maxBodyBytes,
        config: { auth: false, summary: `Webhook event source ${this.name}` },
        onRequest: async (request, reply) => this.gate(request, reply),
        handler: async (request, reply) => this.deliver(request, reply),
      });
    });
  }

  /** Reads the secrets and opens the route to deliveries; a second call while started does nothing. */
  async start(sink: EventSink): Promise<void> {
    if (this.sink !== undefined) return;
    try {
      const secrets: Secrets = {};
      if (this.config.hmac) secrets.hmac = readSecret(this.config.hmac.secret, this.options.env);
      if (this.config.bearer) secrets.bearer = readSecret(this.config.bearer.token, this.options.env);
      this.secrets = secrets;
    } catch (error) {
      this.state = 'failed';
      this.lastError = errorMessage(error);
      throw error;
    }
    this.sink = sink;
    this.state = 'connected';
    this.lastError = undefined;
  }

  async stop(): Promise<void> {
    this.sink = undefined;
    this.state = 'stopped';
    await Promise.allSettled([...this.inFlight]);
  }

  health(): SourceHealth {
    return {
      name: this.name,
      kind: this.kind,
      state: this.state,
      detail: {
        route: `POST ${this.path}`,
        auth: [this.config.hmac ? 'hmac' : undefined, this.config.bearer ? 'bearer' : undefined].filter(Boolean),
        maxBodyBytes: this.maxBodyBytes,
        refused: { ...this.refused },
      },
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
      received: this.received,
    };
  }

  /** Runs before the body is read: refuses what can be refused without it. */
  private async gate(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    // A refusal here leaves the body unread: close the connection rather than drain it.
    if (this.sink === undefined) return this.unavailable(reply.header('Connection', 'close'), 'not started');
    if (this.secrets.bearer !== undefined) {
      const result = verifyBearer(request.headers.authorization, this.secrets.bearer);
      if (!result.ok) return this.unauthorized(reply.header('Connection', 'close'), result);
    }
    return undefined;
  }

  private async deliver(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const sink = this.sink;
    if (sink === undefined) return this.unavailable(reply, 'not started');
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const now = this.now();
    const hmac = this.config.hmac;
    if (hmac !== undefined && this.secrets.hmac !== undefined) {
      const result = verifyHmac({
        secret: this.secrets.hmac,
        body,
        signature: header(request.headers, hmac.header ?? WEBHOOK_DEFAULTS.signatureHeader),
        ...(hmac.prefix !== undefined ? { prefix: hmac.prefix } : {}),
        ...(hmac.timestampHeader !== undefined
          ? { timestamp: { value: header(request.headers, hmac.timestampHeader), toleranceMs: this.toleranceMs, nowMs: now } }
          : {}),
      });
      if (!result.ok) return this.unauthorized(reply, result);
    }

    let event;
    try {
      event = buildEvent(request.headers, body, {
        sourceName: this.name,
        path: this.path,
        now,
        ...(this.config.idHeader !== undefined ? { idHeader: this.config.idHeader } : {}),
        ...(this.config.eventTypeHeader !== undefined ? { eventTypeHeader: this.config.eventTypeHeader } : {}),
        ...(this.config.payload !== undefined ? { payload: this.config.payload } : {}),
      });
    } catch (error) {
      if (error instanceof PayloadError || error instanceof DeliveryError || error instanceof CloudEventError) {
        this.count('bad-payload', 400);
        return reply.status(400).send({ error: label(400), message: error.message });
      }
      throw error;
    }

    const receiving = sink.receive(event);
    this.inFlight.add(receiving);
    try {
      const result = await receiving;
      this.received += 1;
      return reply.status(202).send({ eventId: result.eventId, duplicate: result.duplicate, runIds: result.runIds });
    } catch (error) {
      this.lastError = errorMessage(error);
      if (error instanceof TandemError && !error.retryable) {
        this.count('bad-payload', 422, this.lastError);
        return reply.status(422).send({ error: label(422), message: error.message });
      }
      return this.unavailable(reply, this.lastError);
    } finally {
      this.inFlight.delete(receiving);
    }
  }

  private unauthorized(reply: FastifyReply, result: Exclude<AuthResult, { ok: true }>): FastifyReply {
    this.count(result.reason, 401);
    if (this.config.bearer !== undefined) void reply.header('WWW-Authenticate', 'Bearer');
    return reply.status(401).send(UNAUTHORIZED);
  }

  private unavailable(reply: FastifyReply, reason: string): FastifyReply {
    this.count('unavailable', 503, reason);
    return reply.status(503).header('Retry-After', this.retryAfter).send({ error: label(503), message: 'the event could not be recorded; retry later' });
  }

  private answerError(error: unknown, reply: FastifyReply): FastifyReply {
    const code = (error as { code?: unknown }).code;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      this.count('too-large', 413);
      // Close the connection: whatever the client still sends is not read.
      return reply.status(413).header('Connection', 'close').send({ error: label(413), message: `the body is over this source's limit of ${this.maxBodyBytes} bytes (maxBodyBytes)`, limit: this.maxBodyBytes });
    }
    const status = (error as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      this.count('bad-payload', status);
      return reply.status(status).send({ error: label(status), message: error instanceof Error ? error.message : label(status) });
    }
    this.lastError = errorMessage(error);
    this.options.onReject?.({ source: this.name, status: 500, reason: this.lastError });
    const retryable = error instanceof TandemError && error.retryable;
    if (retryable) return this.unavailable(reply, this.lastError);
    return reply.status(500).send({ error: label(500) });
  }

  private count(reason: Refusal, status: number, detail?: string): void {
    this.refused[reason] = (this.refused[reason] ?? 0) + 1;
    this.options.onReject?.({ source: this.name, status, reason: detail === undefined ? reason : `${reason}: ${detail}` });
  }
}
