// Store writes for what an attempt produced: outputs, artifacts and metrics; and what it consumed.
import type { TaskSpec } from '../../spec/schema.js';
import type { OutputValue } from '../model.js';
import { consumedInputs } from './consumed.js';
import type { ContextParts } from './context.js';
import type { ArtifactStore } from './artifacts.js';
import type { MetricLine } from './outputs.js';
import type { WriteBuffer } from './write-buffer.js';

export function recordOutputs(
  writer: WriteBuffer,
  runId: string,
  task: string,
  outputs: Record<string, OutputValue>,
  artifacts: ArtifactStore,
): void {
  for (const [name, output] of Object.entries(outputs)) {
    if (output.kind === 'param') {
      writer.push({ kind: 'output', record: { runId, task, name, kind: 'param', value: output.value } });
      continue;
    }
    writer.push({ kind: 'output', record: { runId, task, name, kind: 'artifact', value: output.artifact } });
    writer.push({
      kind: 'artifact',
      record: { runId, task, name, ...output.artifact, path: artifacts.blobPath(output.artifact.digest) },
    });
  }
}

export function recordMetrics(writer: WriteBuffer, runId: string, task: string, metrics: readonly MetricLine[]): void {
  for (const metric of metrics) writer.push({ kind: 'metric', record: { runId, task, ...metric } });
}

/** Records what a task run consumed (replacing an earlier attempt's record), for lineage. */
export function recordInputs(writer: WriteBuffer, runId: string, task: string, attempt: number, spec: TaskSpec, parts: ContextParts): void {
  const inputs = consumedInputs({ runId, task, attempt }, spec, parts);
  // A task succeeds once per run, so a task that consumed nothing has nothing to replace either.
  if (inputs.length > 0) writer.push({ kind: 'inputs', runId, task, inputs });
}
