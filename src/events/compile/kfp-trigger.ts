// The action of a trigger whose workflow runs on the kubeflow lane: an Argo Events `http` trigger
// that POSTs a v2beta1 Run to the KFP API (`<endpoint>/apis/v2beta1/runs`): display_name, the
// pipeline (pipeline_version_reference.pipeline_id; the latest version), and each param under
// runtime_config.parameters.<name>. Values read from the event keep their JSON type (useRawData);
// a default or literal is text in Argo Events, which a typed KFP parameter may refuse: warned.
import type { SensorSpec, Trigger } from '../sensors/schema.js';
import { refuse, type CompileContext } from './context.js';
import type { CompiledDependencies } from './dependencies.js';
import { compileParamSource } from './param-sources.js';

const KFP_RUNS_PATH = '/apis/v2beta1/runs';

export function kfpRunAction(ctx: CompileContext, sensor: SensorSpec, trigger: Trigger, deps: CompiledDependencies): Record<string, unknown> {
  const where = `sensor ${sensor.name}, trigger ${trigger.name}`;
  const kfp = ctx.deps.kfp;
  if (kfp === undefined) refuse('kubeflow lane', where, `workflow ${trigger.workflow} runs on KFP: pass deps.kfp.endpoint, the KFP API the trigger posts runs to`);
  const pipelineId = kfp.pipelineId?.(trigger.workflow);
  if (pipelineId === undefined) {
    ctx.warn('kubeflow pipeline id', where, `pipeline_id defaults to the workflow name "${trigger.workflow}"; KFP names pipelines by id: pass deps.kfp.pipelineId`);
  }
  // Literal fields are written by parameters whose value Argo Events returns whether or not the event is there.
  const anyDependency = [...deps.names.values()][0]?.[0] ?? sensor.dependencies[0]!.name;
  const literal = (dest: string, value: string) => ({ src: { dependencyName: anyDependency, value }, dest });
  const payload = [literal('display_name', trigger.workflow), literal('pipeline_version_reference.pipeline_id', pipelineId ?? trigger.workflow)];
  for (const param of trigger.params ?? []) {
    const src = compileParamSource(ctx, sensor, trigger, param, deps, { rawData: true });
    const value = 'value' in param.src ? param.src.value : undefined;
    if (value !== undefined && typeof value !== 'string') {
      ctx.warn('param value', `${where}, param ${param.name}`, `Argo Events writes the default ${JSON.stringify(value)} as text; KFP may refuse it for a typed parameter`);
    }
    payload.push({ src, dest: `runtime_config.parameters.${param.name}` } as (typeof payload)[number]);
  }
  return {
    url: `${kfp.endpoint.replace(/\/+$/, '')}${KFP_RUNS_PATH}`,
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    payload,
  };
}
