// Prometheus metrics of the control plane (prom-client), in a registry of its own so several
// servers in one process (tests) do not collide.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SourceHealth } from '../events/source.js';

export class ServerMetrics {
  readonly registry = new Registry();
  readonly eventsReceived = new Counter({ name: 'tandem_events_received_total', help: 'Events received, by source and whether they were duplicates', labelNames: ['source', 'duplicate'], registers: [this.registry] });
  readonly triggersFired = new Counter({ name: 'tandem_triggers_fired_total', help: 'Sensor triggers fired, by sensor, trigger and outcome', labelNames: ['sensor', 'trigger', 'outcome'], registers: [this.registry] });
  readonly runsStarted = new Counter({ name: 'tandem_runs_started_total', help: 'Runs started, by workflow and origin', labelNames: ['workflow', 'origin'], registers: [this.registry] });
  readonly runsFinished = new Counter({ name: 'tandem_runs_finished_total', help: 'Runs finished, by workflow and status', labelNames: ['workflow', 'status'], registers: [this.registry] });
  readonly runDuration = new Histogram({
    name: 'tandem_run_duration_seconds',
    help: 'Run duration from creation to finish, by workflow and status',
    labelNames: ['workflow', 'status'],
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
    registers: [this.registry],
  });
  private sources: () => SourceHealth[] = () => [];
  /** Read at each scrape from the sources' own health, so a reconnecting source shows 0. */
  readonly sourceUp = new Gauge({
    name: 'tandem_event_source_up',
    help: '1 when an event source is connected or listening, 0 otherwise',
    labelNames: ['source', 'kind', 'state'],
    registers: [this.registry],
    collect: () => {
      this.sourceUp.reset();
      for (const health of this.sources()) {
        this.sourceUp.set({ source: health.name, kind: health.kind, state: health.state }, health.state === 'connected' ? 1 : 0);
      }
    },
  });

  watchSources(sources: () => SourceHealth[]): void {
    this.sources = sources;
  }

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'tandem_' });
  }
}
