// The record a submit creates, the same for every engine: the frozen spec, params with their
// defaults filled in, the experiment, the router's decision, and the submitting process as owner.
import type { RunRecord } from '../store/ports/runs.js';
import { experimentOf } from '../spec/run-naming.js';
import { newRunId } from '../util/ids.js';
import type { SubmitRequest } from './engine.js';
import { OWNER_ID } from './owner.js';

export function newRunRecord(request: SubmitRequest): RunRecord {
  const spec = request.spec;
  return {
    id: request.runId ?? newRunId(spec.name),
    workflow: spec.name,
    version: spec.version ?? '1',
    status: 'Pending',
    params: { ...defaultParams(spec.params), ...request.params },
    spec,
    baseDir: request.baseDir,
    ...(request.sourceFile ? { sourceFile: request.sourceFile } : {}),
    origin: request.origin ?? { kind: 'api' },
    experiment: experimentOf(spec, request.experiment),
    routing: request.routing,
    ...(request.noCache === true ? { noCache: true } : {}),
    createdAt: Date.now(),
    owner: OWNER_ID,
    ownerPid: process.pid,
    cancelRequested: false,
  };
}

function defaultParams(params: SubmitRequest['spec']['params']): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [name, decl] of Object.entries(params ?? {})) if (decl.default !== undefined) defaults[name] = decl.default;
  return defaults;
}
