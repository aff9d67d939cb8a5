// The Kubernetes platform spec (kfp-kubernetes' KubernetesExecutorConfig, one per executor): what
// KFP's driver applies to a task's pod beyond the container. tandem uses it for what PipelineSpec
// has no field for:
//   - TANDEM_RUN_ID from the pod's `pipeline/runid` label, which KFP's API server puts on every
//     pod of a run (fieldPathAsEnv); as a task input it would enter KFP's cache key;
//   - a task's `timeout` as the pod's activeDeadlineSeconds (whole seconds, rounded up, as the
//     Argo compiler writes it; each retry is a new pod, so the limit holds per attempt);
//   - a runner's `inheritEnv` names, which a pod cannot inherit from a tandem process, as
//     variables from the keys of the same names in one Kubernetes Secret (secretAsEnv).
// The IR file carries it as a second YAML document; compileToKfp returns the PipelineSpec and
// keeps the platform spec beside it, for kfpIrYaml and kfpPlatformSpec to find.
import { durationMs } from '../../../spec/duration.js';
import type { TaskSpec } from '../../../spec/schema.js';
import type { CompileContext } from './context.js';

/** The Secret that holds the variables tasks name in inheritEnv, unless the secretName option says otherwise. */
const DEFAULT_SECRET = 'tandem-secrets';
/** The label KFP's API server sets on every pod of a run (util.LabelKeyWorkflowRunId). */
const RUN_ID_FIELD = "metadata.labels['pipeline/runid']";

const platformSpecs = new WeakMap<object, Record<string, unknown>>();

/** The KubernetesExecutorConfig of one task's executor. */
export function executorConfig(ctx: CompileContext, task: TaskSpec): Record<string, unknown> {
  const config: Record<string, unknown> = { fieldPathAsEnv: [{ name: 'TANDEM_RUN_ID', fieldPath: RUN_ID_FIELD }] };
  const timeout = task.timeout ?? ctx.spec.defaults?.timeout;
  if (timeout !== undefined) config.activeDeadlineSeconds = Math.max(1, Math.ceil(durationMs(timeout) / 1000));
  const inherited = (task.process ?? task.script ?? task.node)?.inheritEnv ?? [];
  if (inherited.length > 0) {
    config.secretAsEnv = [
      {
        secretNameParameter: { runtimeValue: { constant: ctx.options.secretName ?? DEFAULT_SECRET } },
        keyToEnv: inherited.map((name) => ({ secretKey: name, envVar: name })),
        optional: false,
      },
    ];
  }
  return config;
}

/** Keeps `executors` as the platform spec of `ir`. */
export function attachPlatformSpec(ir: Record<string, unknown>, executors: Record<string, unknown>): void {
  if (Object.keys(executors).length === 0) return;
  platformSpecs.set(ir, { platforms: { kubernetes: { deploymentSpec: { executors } } } });
}

/** The PlatformSpec document compiled with `ir`, if it has one. */
export function kfpPlatformSpec(ir: Record<string, unknown>): Record<string, unknown> | undefined {
  return platformSpecs.get(ir);
}
