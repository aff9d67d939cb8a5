// The HTTP server: a Fastify instance with bearer-token auth on every route that does not opt out
// (health probes and webhooks, which carry their own auth), errors mapped to bodies that name the
// field at fault, and a list of every route it serves (for the OpenAPI document, and for tests
// that check each route's auth, so a new route cannot be forgotten).
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Principal, TokenAuth } from './auth.js';
import { errorLabel, errorResponse, UnauthorizedError } from './errors.js';
import { useJsonBodyParser } from './json-body.js';
import { useRouteValidators } from './validators.js';

export interface RouteInfo {
  method: string;
  url: string;
  /** False for routes that do not take an API token (health, webhooks). */
  auth: boolean;
  /** False for routes whose resources belong to no namespace (events, the API document, metrics). */
  namespaced: boolean;
  summary?: string;
  schema?: Record<string, unknown>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set false on routes that do not need an API token. */
    auth?: boolean;
    /** Set false on routes whose resources belong to no namespace: any valid token may use them. */
    namespaced?: boolean;
    summary?: string;
  }
  interface FastifyRequest {
    principal: Principal | undefined;
  }
}

/**
 * How many connections the kernel may hold for the server before it accepts them. Node's default
 * is 511: a burst of more concurrent webhook deliveries than that overflows the queue, the kernel
 * drops the handshakes it cannot queue, and while a loaded event loop accepts slowly some of them
 * time out and the sender's request is answered with a reset ("fetch failed", ECONNRESET). The
 * kernel caps this at net.core.somaxconn (4096 by default since Linux 5.4).
 */
export const LISTEN_BACKLOG = 4096;

export interface ServerOptions {
  auth: TokenAuth;
  /** Default request body limit (webhook routes set their own). */
  bodyLimit?: number;
  onError?: (error: unknown, request: FastifyRequest) => void;
}

export interface TandemServer {
  app: FastifyInstance;
  routes: RouteInfo[];
}

export function createServer(options: ServerOptions): TandemServer {
  const app = Fastify({ logger: false, bodyLimit: options.bodyLimit ?? 1024 * 1024 });
  useRouteValidators(app);
  const routes: RouteInfo[] = [];
  app.decorateRequest('principal', undefined);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      routes.push({
        method,
        url: route.url,
        auth: route.config?.auth !== false,
        namespaced: route.config?.auth !== false && route.config?.namespaced !== false,
        ...(route.config?.summary ? { summary: route.config.summary } : {}),
        ...(route.schema ? { schema: route.schema as Record<string, unknown> } : {}),
      });
    }
  });
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.auth === false) return;
    const principal = options.auth.authenticate(request.headers.authorization);
    // An unknown route is answered 401 too: without a token nothing about the API is revealed.
    if (!principal) throw new UnauthorizedError();
    request.principal = principal;
  });
  // Checked as it is parsed: UTF-8, nesting depth (before the schema validator walks it
  // recursively), no prototype keys. Raw bodies (webhooks) are checked once decoded.
  useJsonBodyParser(app);
  app.setErrorHandler(async (error, request, reply) => {
    const { status, body } = errorResponse(error, { url: request.url, body: request.body, params: request.params, headers: request.headers });
    if (status >= 500) options.onError?.(error, request);
    if (status === 401) void reply.header('WWW-Authenticate', 'Bearer');
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler(async (request, reply) => {
    if (!options.auth.authenticate(request.headers.authorization)) {
      return reply.status(401).header('WWW-Authenticate', 'Bearer').send({ error: errorLabel(401), message: new UnauthorizedError().message });
    }
    return reply.status(404).send({ error: errorLabel(404), message: `no route ${request.method} ${request.url.split('?')[0]}` });
  });
  return { app, routes };
}
