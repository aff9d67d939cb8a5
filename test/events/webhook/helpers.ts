// A real Fastify instance on 127.0.0.1:0 with a webhook source on it, and a sink that records.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import type { IncomingEvent } from '../../../src/events/model.js';
import type { DispatchResult, EventSink } from '../../../src/events/source.js';
import { WebhookEventSource, type WebhookSourceOptions } from '../../../src/events/sources/webhook/source.js';
import { LISTEN_BACKLOG } from '../../../src/server/app.js';
import type { WebhookSourceConfig } from '../../../src/events/sources/webhook/schema.js';

export class RecordingSink implements EventSink {
  readonly events: IncomingEvent[] = [];
  fail: Error | undefined;
  async receive(event: IncomingEvent): Promise<DispatchResult> {
    if (this.fail) throw this.fail;
    this.events.push(event);
    return { eventId: `evt-${this.events.length}`, duplicate: false, runIds: [`run-${this.events.length}`] };
  }
}

export interface Harness {
  app: FastifyInstance;
  source: WebhookEventSource;
  sink: RecordingSink;
  url: string;
  port: number;
  close(): Promise<void>;
}

export const SECRET = 'it-is-a-secret';
const TOKEN = 'a-bearer-token';
const ENV = { HOOK_SECRET: SECRET, HOOK_TOKEN: TOKEN };

export async function startHarness(
  config: WebhookSourceConfig,
  options: WebhookSourceOptions & { start?: boolean } = {},
): Promise<Harness> {
  const app = Fastify({ logger: false });
  // Another route on the same instance, to show the webhook's parser stays in its own context.
  app.post('/other', async (request) => ({ parsed: request.body }));
  const source = new WebhookEventSource('github', config, { env: ENV, ...options });
  source.mountRoutes(app);
  const sink = new RecordingSink();
  if (options.start !== false) await source.start(sink);
  // As the control plane listens: Node's default backlog (511) resets some of a burst of 1,000
  // concurrent deliveries on a loaded machine (see src/server/app.ts).
  await app.listen({ host: '127.0.0.1', port: 0, backlog: LISTEN_BACKLOG });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    app,
    source,
    sink,
    port: address.port,
    url: `http://127.0.0.1:${address.port}${source.path}`,
    close: async () => {
      await source.stop();
      await app.close();
    },
  };
}

export interface RawResponse {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

function readResponse(response: IncomingMessage): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
    response.on('error', reject);
  });
}

/**
 * Sends headers announcing `contentLength` bytes and then nothing: a server that answers has
 * answered without reading the body.
 */
export function postHeadersOnly(port: number, path: string, contentLength: number): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': contentLength } });
    req.on('response', (response) =>
      void readResponse(response).then((r) => {
        req.destroy();
        resolve(r);
      }, reject),
    );
    req.on('error', reject);
    req.flushHeaders();
  });
}

/**
 * Streams `totalBytes` as a chunked body, one reused 64 KiB buffer at a time with backpressure;
 * resolves with the response as soon as one arrives (writing stops then) and reports how many
 * bytes were written. The server closing the connection mid-upload is expected.
 */
export function postChunked(
  port: number,
  path: string,
  totalBytes: number,
  onProgress?: () => void,
): Promise<RawResponse & { written: number }> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let written = 0;
    let done = false;
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' } });
    req.on('response', (response) => {
      done = true;
      void readResponse(response).then((r) => resolve({ ...r, written }), reject);
    });
    req.on('error', (error) => {
      // EPIPE / ECONNRESET once the server has answered and closed: the response event decides.
      if (!done) setTimeout(() => (done ? undefined : reject(error)), 200);
    });
    const pump = (): void => {
      while (!done && written < totalBytes) {
        written += chunk.length;
        onProgress?.();
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!done && written >= totalBytes) req.end();
    };
    pump();
  });
}
