// /api/v1/openapi.json and /metrics.
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { RouteInfo } from '../app.js';
import { openApiDocument } from '../openapi.js';

export function registerMetaRoutes(app: FastifyInstance, routes: readonly RouteInfo[], registry: Registry, version: string): void {
  app.get('/api/v1/openapi.json', { config: { summary: 'This API, as an OpenAPI 3 document', namespaced: false } }, async () => openApiDocument(routes, version));
  app.get('/metrics', { config: { summary: 'Prometheus metrics', namespaced: false } }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
}
