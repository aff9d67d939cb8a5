// The envelope of the manifests the Argo Events compiler writes: apiVersion, kind, metadata and
// the event bus, so each compiler step only builds its own part of the spec.
import { API_VERSION, type CompileContext, type Manifest } from './context.js';

export function eventSourceManifest(ctx: CompileContext, name: string, spec: Record<string, unknown>): Manifest {
  return {
    apiVersion: API_VERSION,
    kind: 'EventSource',
    metadata: ctx.metadata(name),
    spec: { ...(ctx.deps.eventBusName !== undefined ? { eventBusName: ctx.deps.eventBusName } : {}), ...spec },
  };
}

export function sensorManifest(ctx: CompileContext, name: string, spec: Record<string, unknown>): Manifest {
  return {
    apiVersion: API_VERSION,
    kind: 'Sensor',
    metadata: ctx.metadata(name),
    spec: { ...(ctx.deps.eventBusName !== undefined ? { eventBusName: ctx.deps.eventBusName } : {}), ...spec },
  };
}
