// GET /api/v1/stream: server-sent events carrying run status changes (`event: run`) and event
// arrivals (`event: event`) as they happen, from the StreamHub. Runs are filtered by the token's
// namespaces (or the one `?namespace=` asks for); an event's run ids likewise. A comment line
// every heartbeat keeps proxies from timing the connection out. Each connection ends when the
// client goes away or the server stops; a client too slow to read is cut off rather than buffered
// without bound.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import { requirePrincipal, visibleNamespaces } from '../namespaces.js';
import type { StreamHub, StreamMessage } from '../stream-hub.js';

export interface StreamRouteOptions {
  /** Comment line interval (default 15 s). */
  heartbeatMs?: number;
  /** The reconnection delay suggested to clients (`retry:`, default 3 s). */
  retryMs?: number;
  /** Bytes a client may leave unread before it is disconnected (default 1 MiB). */
  maxBufferedBytes?: number;
}

const StreamQuery = Type.Object(
  { namespace: Type.Optional(Type.String({ minLength: 1, description: 'only runs of this namespace' })) },
  { additionalProperties: false },
);

/** One server-sent event: `event:` then `data:` (JSON, one line), then a blank line. */
function sseMessage(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function registerStreamRoutes(app: FastifyInstance, hub: StreamHub, options: StreamRouteOptions = {}): void {
  const open = new Set<ServerResponse>();
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;

  // Before the server closes: end every stream (else close would wait for them), stop polling.
  app.addHook('preClose', async () => {
    hub.close();
    for (const response of open) response.end();
    open.clear();
  });

  app.get(
    '/api/v1/stream',
    { schema: { querystring: StreamQuery }, config: { summary: 'Live run status changes and event arrivals, as server-sent events' } },
    async (request, reply) => {
      const principal = requirePrincipal(request.principal);
      const visible = visibleNamespaces(principal, (request.query as { namespace?: string }).namespace);
      const runVisible = (namespace: string | undefined) => (namespace === undefined ? principal.allNamespaces : visible(namespace));
      const response = reply.raw;
      let ready = false;
      const early: string[] = [];
      const send = (text: string) => {
        if (!ready) {
          early.push(text);
          return;
        }
        if (response.writableEnded || response.destroyed) return;
        response.write(text);
        if (response.writableLength > maxBuffered) response.destroy();
      };
      const listener = (message: StreamMessage) => {
        if (message.kind === 'run') {
          if (visible(message.run.namespace)) send(sseMessage('run', message.run));
          return;
        }
        // The namespaces stay out of what is sent: a shared source's event would name the others.
        const { runs, namespaces, ...event } = message.event;
        if (namespaces !== undefined && !namespaces.some(visible)) return;
        send(sseMessage('event', { ...event, runIds: runs.filter((run) => runVisible(run.namespace)).map((run) => run.id) }));
      };
      // Subscribing first: a failing store is an ordinary error answer, before anything is sent.
      const unsubscribe = await hub.subscribe(listener);
      void reply.hijack();
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      response.write(`retry: ${options.retryMs ?? 3000}\n: connected\n\n`);
      ready = true;
      for (const text of early.splice(0)) send(text);
      open.add(response);
      const heartbeat = setInterval(() => send(': heartbeat\n\n'), heartbeatMs);
      heartbeat.unref();
      let cleaned = false;
      const cleanup = () => {
        if (cleaned) return;
        cleaned = true;
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(response);
      };
      response.on('close', cleanup);
      if (response.destroyed) cleanup();
    },
  );
}
