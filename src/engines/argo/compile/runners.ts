// The runnable part of a task's Argo template: `process` → container, `script` → script template
// (the source in a file run by the interpreter), `node` → a script run by Node.js in nodeImage
// that imports the module from projectDir (the image must contain the project, with tsx for .ts
// modules). Every container gets tandem's environment (TANDEM_OUTPUTS...) and an emptyDir
// mounted at the outputs directory so tasks can write their outputs there.
import { posix } from 'node:path';
import { RUNNER_KINDS, type TaskSpec } from '../../../spec/schema.js';
import { isArtifactType } from '../../../spec/value-types.js';
import type { CompileContext } from './context.js';
import { nodeBootstrap } from './node-bootstrap.js';
import { CONTAINER_PATHS, OUTPUTS_VOLUME } from './options.js';
import { containerResources } from './policies.js';
import type { TemplateScope } from './scope.js';

type Json = Record<string, unknown>;

const TS_MODULE = /\.(c|m)?tsx?$/;

/** `{ container: ... }` or `{ script: ... }` for the task. */
export function runnerTemplate(ctx: CompileContext, scope: TemplateScope): Json {
  const task = scope.task;
  const kinds = RUNNER_KINDS.filter((kind) => task[kind as keyof TaskSpec] !== undefined);
  const kind = kinds[0];
  const runner = task.process ?? task.script ?? task.node;
  if ((runner?.inheritEnv?.length ?? 0) > 0) refuseInheritEnv(ctx, task.name, kind ?? 'process');
  if (task.process) return { container: processContainer(ctx, scope, task.process) };
  if (task.script) return { script: scriptContainer(ctx, scope, task.script) };
  if (task.node) return { script: nodeContainer(ctx, scope, task.node) };
  return ctx.fail(`${kind ?? 'missing'} runner`, task.name, kind, 'the Argo compiler runs process, script and node tasks only');
}

function processContainer(ctx: CompileContext, scope: TemplateScope, spec: NonNullable<TaskSpec['process']>): Json {
  const command = k8sEscape(scope.text('process.command', spec.command));
  const args = (spec.args ?? []).map((arg, i) => k8sEscape(scope.text(`process.args.${i}`, arg)));
  // shell: the command is a /bin/sh -c script and args are its $1, $2... ($0 is "sh").
  const argv = spec.shell ? { command: ['/bin/sh', '-c'], args: [command, 'sh', ...args] } : { command: [command], ...(args.length ? { args } : {}) };
  return { image: image(ctx, scope.task, false), ...argv, ...common(ctx, scope, spec.cwd, spec.env) };
}

function scriptContainer(ctx: CompileContext, scope: TemplateScope, spec: NonNullable<TaskSpec['script']>): Json {
  if (spec.args !== undefined && spec.args.length > 0) {
    ctx.fail('script args', scope.task.name, 'script.args', 'an Argo script template runs `command FILE` and has no place for arguments after the file; use a process task with shell: true');
  }
  const interpreter = scope.text('script.interpreter', spec.interpreter ?? 'sh').trim().split(/\s+/).map(k8sEscape);
  return {
    image: image(ctx, scope.task, false),
    command: interpreter,
    source: scope.text('script.source', spec.source),
    ...common(ctx, scope, spec.cwd, spec.env),
  };
}

function nodeContainer(ctx: CompileContext, scope: TemplateScope, spec: NonNullable<TaskSpec['node']>): Json {
  const task = scope.task;
  if (spec.module.includes('{{')) ctx.fail('templated module', task.name, 'node.module', 'the module path must be fixed at compile time');
  const module = posix.isAbsolute(spec.module) ? spec.module : posix.join(ctx.options.projectDir, spec.module);
  const returned = Object.entries(task.outputs ?? {})
    .filter(([, decl]) => decl.path === undefined && !isArtifactType(decl.type) && (decl.stdout === undefined || decl.stdout === false))
    .map(([name, decl]) => ({ name, text: decl.type === 'string' }));
  const inputs = Object.fromEntries([...scope.modes.entries()]);
  const source = nodeBootstrap({ module, export: spec.export ?? 'default', inputs, returned, returnedDir: CONTAINER_PATHS.returnedDir });
  const inputEnv = scope.args
    .filter((arg) => scope.modes.has(arg.name))
    .map((arg) => ({ name: `TANDEM_INPUT_${arg.name}`, value: arg.artifact ? `{{inputs.artifacts.${arg.name}.path}}` : `{{inputs.parameters.${arg.name}}}` }));
  return {
    image: image(ctx, task, true),
    command: ['node', ...(TS_MODULE.test(module) ? ['--import', 'tsx'] : [])],
    source,
    ...common(ctx, scope, spec.cwd, spec.env, inputEnv),
  };
}

/**
 * inheritEnv passes variables of the tandem process's own environment; a pod has no such
 * environment to take them from, and copying their values from the compiling machine into the
 * manifest would publish them.
 */
function refuseInheritEnv(ctx: CompileContext, task: string, kind: string): never {
  return ctx.fail(
    'inheritEnv',
    task,
    `${kind}.inheritEnv`,
    "a pod has no tandem process environment to pass variables from; set them in env, or give the pod a Kubernetes Secret (envFrom) outside tandem",
  );
}

function image(ctx: CompileContext, task: TaskSpec, node: boolean): string {
  return task.image ?? ctx.spec.defaults?.image ?? (node ? ctx.options.nodeImage : ctx.options.defaultImage);
}

/** workingDir, env, volumeMounts and resources, shared by every runner. */
function common(ctx: CompileContext, scope: TemplateScope, cwd: string | undefined, env: Record<string, string> | undefined, extraEnv: Json[] = []): Json {
  const task = scope.task;
  const dir = cwd === undefined ? ctx.options.projectDir : scope.text('cwd', cwd);
  const workingDir = posix.isAbsolute(dir) || dir.startsWith('{{') ? dir : posix.join(ctx.options.projectDir, dir);
  const userEnv = Object.entries(env ?? {}).map(([name, value]) => ({ name, value: k8sEscape(scope.text(`env.${name}`, value)) }));
  const tandemEnv = [
    { name: 'TANDEM_RUN_ID', value: '{{workflow.name}}' },
    { name: 'TANDEM_TASK', value: task.name },
    { name: 'TANDEM_ATTEMPT', value: scope.attemptTag() },
    { name: 'TANDEM_OUTPUTS', value: CONTAINER_PATHS.outputsDir },
    { name: 'TANDEM_INPUTS', value: CONTAINER_PATHS.inputsDir },
    { name: 'TANDEM_METRICS', value: CONTAINER_PATHS.metricsFile },
    ...(task.forEach !== undefined ? [{ name: 'TANDEM_ITEM', value: scope.itemTag() }] : []),
  ];
  const resources = containerResources(ctx, task);
  return {
    workingDir,
    env: [...userEnv, ...tandemEnv, ...extraEnv],
    volumeMounts: [{ name: OUTPUTS_VOLUME, mountPath: CONTAINER_PATHS.outputsDir }],
    ...(resources ? { resources } : {}),
  };
}

/** Kubernetes expands `$(VAR)` in command, args and env values; `$$(` keeps the text as written. */
function k8sEscape(text: string): string {
  return text.replace(/\$\(/g, '$$$$(');
}
