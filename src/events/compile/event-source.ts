// One tandem event source as an Argo Events EventSource, by kind.
import type { EventSourceConfig } from '../../project/load.js';
import { compileCronSource } from './calendar-source.js';
import type { CompileContext, Manifest } from './context.js';
import { compileNatsSource } from './nats-source.js';
import { compileWebhookSource } from './webhook-source.js';

export function compileEventSource(ctx: CompileContext, source: EventSourceConfig): Manifest {
  switch (source.kind) {
    case 'nats':
      return compileNatsSource(ctx, source.name, source.config);
    case 'webhook':
      return compileWebhookSource(ctx, source.name, source.config);
    case 'cron':
      return compileCronSource(ctx, source.name, source.config);
  }
}
