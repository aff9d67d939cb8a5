// /api/v1/openapi.json and /metrics. The metrics carry every namespace's workflow, sensor and
// trigger names as labels, so they take a token allowed in every namespace the server serves (as
// a Prometheus scrape job's token would be); the API document names no namespace's data.
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { WorkflowCatalog } from '../../project/catalog.js';
import type { RouteInfo } from '../app.js';
import { allows } from '../auth.js';
import { ForbiddenError } from '../errors.js';
import { requirePrincipal } from '../namespaces.js';
import { openApiDocument } from '../openapi.js';

export function registerMetaRoutes(app: FastifyInstance, routes: readonly RouteInfo[], registry: Registry, version: string, catalog: WorkflowCatalog): void {
  app.get('/api/v1/openapi.json', { config: { summary: 'This API, as an OpenAPI 3 document', namespaced: false } }, async () => openApiDocument(routes, version));
  app.get('/metrics', { config: { summary: 'Prometheus metrics (a token allowed in every served namespace)', namespaced: false } }, async (request, reply) => {
    const principal = requirePrincipal(request.principal);
    if (!principal.allNamespaces) {
      for (const entry of catalog.list()) if (!allows(principal, entry.namespace)) throw new ForbiddenError(entry.namespace);
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
