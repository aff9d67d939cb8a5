// The hybrid compile target: Argo orchestrates, the ML steps are KFP pipelines started through
// the KFP API. Each `workflow` task (a child workflow: the ML sub-pipeline) is compiled to KFP IR,
// and in the Argo Workflow it becomes a container running tandem's own CLI,
//   tandem kfp run --pipeline <dir>/<child>.kfp.yaml --param k=v ... --wait
// which submits the pipeline to KFP, waits for it, and writes each of the child's workflow outputs
// into $TANDEM_OUTPUTS/<name> (an artifact output becomes its URI in KFP's artifact store). The
// rest of the workflow compiles to Argo as it is.
import { CompileError } from '../../errors.js';
import { loadWorkflowFile } from '../../spec/load.js';
import type { OutputDecl, TaskSpec, WorkflowSpec } from '../../spec/schema.js';
import { isArtifactType } from '../../spec/value-types.js';
import { VERSION } from '../../version.js';
import { compileToArgo, type ArgoCompileOptions } from '../argo/compile/index.js';
import { compileToKfp, type KfpCompileOptions } from '../kfp/compile/index.js';
import { resolve, isAbsolute } from 'node:path';
import { errorMessage } from '../../util/error-message.js';

export interface HybridCompileOptions {
  argo?: ArgoCompileOptions;
  kfp?: KfpCompileOptions;
  /** Image with the tandem CLI, for the ML steps' launcher containers (default tandem:<version>). */
  tandemImage?: string;
  /** Where the compiled pipelines are inside that image (default <projectDir>/pipelines). */
  pipelinesDir?: string;
  /**
   * Where a child workflow's folder is inside the images (its node modules load from there); by
   * default the parent's projectDir. The compile orchestrator gives each folder its own place.
   */
  projectDirOf?(childFolder: string): string;
}

interface CompiledPipeline {
  /** The child workflow's name; its IR file is `<name>.kfp.yaml`. */
  name: string;
  /** The tasks that start it. */
  startedBy: string[];
  ir: Record<string, unknown>;
}

export interface HybridOutput {
  workflow: Record<string, unknown>;
  pipelines: CompiledPipeline[];
}

const DEFAULT_TANDEM_IMAGE = `tandem:${VERSION}`;

/** Compiles a hybrid workflow; `baseDir` is the workflow file's folder (child files resolve from it). */
export async function compileHybrid(spec: WorkflowSpec, baseDir: string, options: HybridCompileOptions = {}): Promise<HybridOutput> {
  const projectDir = (options.argo?.projectDir ?? '/workspace').replace(/\/+$/, '');
  const pipelinesDir = options.pipelinesDir ?? `${projectDir}/pipelines`;
  const pipelines = new Map<string, CompiledPipeline>();
  const launch = async (task: TaskSpec): Promise<TaskSpec> => {
    if (!task.workflow) return task;
    const file = isAbsolute(task.workflow.file) ? task.workflow.file : resolve(baseDir, task.workflow.file);
    const child = await loadWorkflowFile(file).catch((error: unknown) => {
      throw new CompileError('hybrid', 'workflow runner', `workflow ${spec.name}, task ${task.name}`, `cannot load the child workflow ${file}: ${errorMessage(error)}`);
    });
    const name = child.spec.name;
    const known = pipelines.get(name);
    if (known) known.startedBy.push(task.name);
    else {
      const childDir = options.projectDirOf?.(child.baseDir);
      pipelines.set(name, { name, startedBy: [task.name], ir: compileToKfp(child.spec, { ...options.kfp, ...(childDir !== undefined ? { projectDir: childDir } : {}) }) });
    }
    return launcherTask(task, `${pipelinesDir}/${name}.kfp.yaml`, options.tandemImage ?? DEFAULT_TANDEM_IMAGE);
  };
  const transformed: WorkflowSpec = {
    ...spec,
    tasks: await Promise.all(spec.tasks.map(launch)),
    ...(spec.finally ? { finally: await Promise.all(spec.finally.map(launch)) } : {}),
  };
  if (pipelines.size === 0) {
    throw new CompileError('hybrid', 'workflow runner', `workflow ${spec.name}`, 'a hybrid workflow needs at least one `workflow` task (an ML sub-pipeline); compile it for argo instead');
  }
  return { workflow: compileToArgo(transformed, options.argo), pipelines: [...pipelines.values()] };
}

/** The task as an Argo container that starts the child's pipeline on KFP and waits for it. */
function launcherTask(task: TaskSpec, pipelineFile: string, image: string): TaskSpec {
  const { workflow: _workflow, outputs, inputs, ...rest } = task;
  const params = Object.keys(inputs ?? {}).flatMap((name) => ['--param', `${name}={{ inputs.${name} }}`]);
  return {
    ...rest,
    ...(inputs ? { inputs } : {}),
    image: task.image ?? image,
    process: { command: 'tandem', args: ['kfp', 'run', '--pipeline', pipelineFile, ...params, '--wait'] },
    ...(outputs ? { outputs: Object.fromEntries(Object.entries(outputs).map(([name, decl]) => [name, launcherOutput(name, decl)])) } : {}),
  };
}

/** Each child output arrives as a file; an artifact as its URI (the artifact stays in KFP's store). */
function launcherOutput(name: string, decl: OutputDecl): OutputDecl {
  const type = decl.type === undefined ? 'json' : isArtifactType(decl.type) ? 'string' : decl.type;
  return { type, path: name, ...(decl.description !== undefined ? { description: decl.description } : {}) };
}
