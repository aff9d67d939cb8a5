// Health probes, without a token: /healthz says whether the process is alive and how each event
// source is doing; /readyz whether it takes work (503 while starting or shutting down).
import type { FastifyInstance } from 'fastify';
import type { SourceHealth } from '../../events/source.js';

export interface HealthState {
  ready(): boolean;
  sources(): SourceHealth[];
}

export function registerHealthRoutes(app: FastifyInstance, state: HealthState): void {
  app.get('/healthz', { config: { auth: false, summary: 'Liveness, with each event source\'s state' } }, async () => ({
    status: 'ok',
    sources: state.sources(),
  }));
  app.get('/readyz', { config: { auth: false, summary: 'Readiness' } }, async (_request, reply) => {
    const ready = state.ready();
    return reply.status(ready ? 200 : 503).send({ ready });
  });
}
