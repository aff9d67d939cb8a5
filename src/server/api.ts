// Assembles the HTTP API: every route of the control plane on one Fastify instance.
import type { FastifyRequest } from 'fastify';
import { VERSION } from '../version.js';
import { createServer, type TandemServer } from './app.js';
import type { TokenAuth } from './auth.js';
import type { ApiContext } from './context.js';
import type { ServerMetrics } from './metrics.js';
import { NamespaceRules } from './namespace-rules.js';
import { registerHealthRoutes, type HealthState } from './routes/health.js';
import { registerEventRoutes } from './routes/events.js';
import { registerMetaRoutes } from './routes/meta.js';
import { registerRunRoutes } from './routes/runs.js';
import { registerSensorRoutes } from './routes/sensors.js';
import { registerStreamRoutes, type StreamRouteOptions } from './routes/stream.js';
import { registerTrackingRoutes } from './routes/tracking.js';
import { registerWorkflowRoutes } from './routes/workflows.js';
import { StreamHub, type StreamHubOptions } from './stream-hub.js';

export interface ApiServerOptions {
  auth: TokenAuth;
  context: ApiContext;
  health: HealthState;
  metrics: ServerMetrics;
  onError?: (error: unknown, request: FastifyRequest) => void;
  /** Tuning of /api/v1/stream (poll interval, heartbeat); the defaults suit production. */
  stream?: Omit<StreamHubOptions, 'onError'> & StreamRouteOptions;
}

export function buildApiServer(options: ApiServerOptions): TandemServer {
  const server = createServer({ auth: options.auth, ...(options.onError ? { onError: options.onError } : {}) });
  registerHealthRoutes(server.app, options.health);
  registerWorkflowRoutes(server.app, options.context);
  registerRunRoutes(server.app, options.context);
  const rules = new NamespaceRules(options.context.catalog, () => options.context.pipeline?.sensorSpecs() ?? []);
  registerEventRoutes(server.app, options.context, rules);
  registerSensorRoutes(server.app, options.context, rules);
  registerTrackingRoutes(server.app, options.context);
  const hub = new StreamHub(options.context.store, rules, { ...options.stream });
  registerStreamRoutes(server.app, hub, options.stream);
  registerMetaRoutes(server.app, server.routes, options.metrics.registry, VERSION, options.context.catalog);
  return server;
}
