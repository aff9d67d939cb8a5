// Starting runs for API calls straight on the engine. An Idempotency-Key maps to a run id derived
// from it, and the engine's submit is idempotent for an explicit id, so a repeated request (even
// after a restart) returns the run the first one started.
import { createHash } from 'node:crypto';
import type { Engine } from '../engines/engine.js';
import { newRunId } from '../engines/local/engine.js';
import { NotFoundError } from '../errors.js';
import type { WorkflowCatalog } from '../project/catalog.js';
import { resolveParams } from '../spec/params.js';
import type { Store } from '../store/store.js';
import type { RunStarter, StartRunRequest } from './context.js';

export class DirectRunStarter implements RunStarter {
  constructor(
    private readonly engine: Engine,
    private readonly store: Store,
    private readonly catalog: WorkflowCatalog,
  ) {}

  async startRun(request: StartRunRequest): Promise<{ runId: string; duplicate: boolean }> {
    const entry = this.catalog.get(request.workflow);
    if (!entry) throw new NotFoundError('workflow', request.workflow);
    const runId = request.idempotencyKey !== undefined ? idempotentRunId(request.workflow, request.idempotencyKey) : newRunId(request.workflow);
    const existing = request.idempotencyKey !== undefined ? await this.store.getRun(runId) : undefined;
    if (existing) return { runId, duplicate: true };
    await this.engine.submit({
      spec: entry.spec,
      params: resolveParams(entry.spec, request.params),
      baseDir: entry.baseDir,
      ...(entry.sourceFile ? { sourceFile: entry.sourceFile } : {}),
      origin: { kind: 'api', detail: { principal: request.principal.name, ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}) } },
      runId,
    });
    return { runId, duplicate: false };
  }
}

/** A run id that is a function of the workflow and the key (hashed: keys are caller-chosen text). */
export function idempotentRunId(workflow: string, key: string): string {
  return `${workflow.slice(0, 40)}-api-${createHash('sha256').update(`${workflow}\u0000${key}`).digest('hex').slice(0, 16)}`;
}
