// The action of a trigger whose workflow runs on the kubeflow lane: an Argo Events `http` trigger
// that POSTs a v2beta1 Run to the KFP API (`<endpoint>/apis/v2beta1/runs`): display_name, the
// pipeline (pipeline_version_reference.pipeline_id; the latest version), and each param under
// runtime_config.parameters.<name>. KFP names a pipeline by the id it gave it at upload, so the id
// must be given (deps.kfp.pipelineId; `tandem compile --kfp-pipeline workflow=id`): the workflow's
// name in its place would be refused by KFP at every firing. Values read from the event keep their
// JSON type (useRawData); a default that is not text is written by a template of the whole body
// (kfp-run-body.ts), since Argo Events writes a plain default as text.
import type { SensorSpec, Trigger } from '../sensors/schema.js';
import { refuse, type CompileContext } from './context.js';
import type { CompiledDependencies } from './dependencies.js';
import { templatedRunPayload, type BodyParam } from './kfp-run-body.js';
import { compileParamSource } from './param-sources.js';

const KFP_RUNS_PATH = '/apis/v2beta1/runs';

export function kfpRunAction(ctx: CompileContext, sensor: SensorSpec, trigger: Trigger, deps: CompiledDependencies): Record<string, unknown> {
  const where = `sensor ${sensor.name}, trigger ${trigger.name}`;
  const kfp = ctx.deps.kfp;
  if (kfp === undefined) refuse('kubeflow lane', where, `workflow ${trigger.workflow} runs on KFP: pass deps.kfp.endpoint (tandem compile --kfp-endpoint URL), the KFP API the trigger posts runs to`);
  const pipelineId = kfp.pipelineId?.(trigger.workflow);
  if (pipelineId === undefined || pipelineId === '') {
    refuse(
      'kubeflow pipeline id',
      where,
      `KFP starts a run from the id it gave the uploaded pipeline of ${trigger.workflow}, not from its name: pass it (tandem compile --kfp-pipeline ${trigger.workflow}=<id>)`,
    );
  }
  // Literal fields are written by parameters whose value Argo Events returns whether or not the event is there.
  const anyDependency = [...deps.names.values()][0]?.[0] ?? sensor.dependencies[0]!.name;
  const params: BodyParam[] = (trigger.params ?? []).map((param) => {
    const fallback = 'value' in param.src ? param.src.value : undefined;
    const src = compileParamSource(ctx, sensor, trigger, param, deps, { rawData: true });
    return { name: param.name, src, ...(fallback !== undefined ? { fallback } : {}) };
  });
  const typedDefault = params.some((p) => p.fallback !== undefined && typeof p.fallback !== 'string');
  const literal = (dest: string, value: string) => ({ src: { dependencyName: anyDependency, value }, dest });
  const payload = typedDefault
    ? [templatedRunPayload({ displayName: trigger.workflow, pipelineId, params }, where, anyDependency)]
    : [
        literal('display_name', trigger.workflow),
        literal('pipeline_version_reference.pipeline_id', pipelineId),
        ...params.map((p) => ({ src: p.src, dest: `runtime_config.parameters.${p.name}` })),
      ];
  return {
    url: `${kfp.endpoint.replace(/\/+$/, '')}${KFP_RUNS_PATH}`,
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    payload,
  };
}
