// The executor of one task: a KFP container spec (image, command, args, env, resources) that runs
// the task's runner through one of the launchers in launchers.ts. process and script tasks run in
// the task's image (task.image, then defaults.image, then the defaultImage option); node tasks run
// in the nodeImage option with the workflow's folder at projectDir inside it (an assumption the
// user's image build must meet: `COPY . /workspace`, with tsx installed for .ts modules).
import { posix } from 'node:path';
import type { Resources } from '../../../spec/schema.js';
import { isArtifactType, outputType } from '../../../spec/value-types.js';
import { componentChannel, renderField, type TaskBuild } from './component.js';
import { isStdoutOutput, STDOUT_OUTPUT } from './stdout-capture.js';
import { parseTemplate } from '../../../expr/template.js';
import { NODE_LAUNCHER, SCRIPT_SENTINEL, SHELL_LAUNCHER, type NodePlan } from './launchers.js';

const DEFAULT_NODE_IMAGE = 'node:20-slim';
const DEFAULT_PROJECT_DIR = '/workspace';

export function executorSpec(build: TaskBuild): Record<string, unknown> {
  const { task } = build;
  // inheritEnv comes from a Kubernetes Secret through the platform spec (platform.ts).
  const container = task.node ? nodeContainer(build) : shellContainer(build);
  const resources = resourceSpec(task.resources ?? build.ctx.spec.defaults?.resources);
  return { container: { ...container, ...(resources ? { resources } : {}) } };
}

function image(build: TaskBuild): string {
  const chosen = build.task.image ?? build.ctx.spec.defaults?.image ?? build.ctx.options.defaultImage;
  if (chosen === undefined) {
    return build.ctx.fail('image', build.task.name, 'a container needs an image: set image on the task, defaults.image, or the defaultImage option');
  }
  return chosen;
}

function projectDir(build: TaskBuild): string {
  return build.ctx.options.projectDir ?? DEFAULT_PROJECT_DIR;
}

function shellContainer(build: TaskBuild): Record<string, unknown> {
  const { task } = build;
  const runner = task.process ?? task.script;
  if (!runner) return build.ctx.fail('runner', task.name, 'a KFP task needs a process, script or node runner');
  const field = task.process ? 'process' : 'script';
  // TANDEM_RUN_ID comes from the pod's run label (platform.ts): a task input would put the run id
  // into KFP's cache key and no cached task would ever hit.
  const entries: string[] = ['env', 'TANDEM_TASK', task.name];
  const env: Array<{ name: string; value: string }> = [];
  for (const [name, value] of Object.entries(runner.env ?? {})) {
    const status = statusEnv(build, value);
    if (status !== undefined) {
      entries.push('status', name, status);
      continue;
    }
    const rendered = renderField(build, value, `${field}.env.${name}`);
    if (rendered === value) env.push({ name, value });
    else entries.push('env', name, rendered);
  }
  entries.push(runner.cwd === undefined ? 'chdir' : 'cd', workDir(build, runner.cwd), '-');
  for (const [name, raw] of Object.entries(task.inputs ?? {})) {
    const path = raw !== null && typeof raw === 'object' && 'path' in raw && typeof raw.path === 'string' ? raw.path : undefined;
    if (path !== undefined && build.inputs.get(name)?.kind === 'artifact') entries.push('in', path, `{{$.inputs.artifacts['${name}'].path}}`);
  }
  let program: string[];
  if (task.process) {
    const command = renderField(build, task.process.command, 'process.command');
    const args = (task.process.args ?? []).map((arg, i) => renderField(build, arg, `process.args[${i}]`));
    program = task.process.shell ? ['/bin/sh', '-c', command, 'sh', ...args] : [command, ...args];
  } else {
    const script = task.script ?? { source: '' };
    entries.push('script', '-', renderField(build, script.source, 'script.source'));
    const interpreter = (script.interpreter ?? 'sh').split(/\s+/).filter(Boolean);
    program = [...interpreter, SCRIPT_SENTINEL, ...(script.args ?? []).map((arg, i) => renderField(build, arg, `script.args[${i}]`))];
  }
  if (Object.values(task.outputs ?? {}).some(isStdoutOutput)) entries.push('stdout', '-', `{{$.outputs.parameters['${STDOUT_OUTPUT}'].output_file}}`);
  for (const [name, decl] of Object.entries(task.outputs ?? {})) {
    if (isStdoutOutput(decl)) continue;
    const artifact = isArtifactType(outputType(task, decl));
    const dest = artifact ? `{{$.outputs.artifacts['${name}'].path}}` : `{{$.outputs.parameters['${name}'].output_file}}`;
    entries.push(artifact ? 'artifact' : 'param', decl.path ?? name, dest);
  }
  return {
    image: image(build),
    command: ['/bin/sh', '-c', SHELL_LAUNCHER, 'tandem-launcher'],
    args: [...entries, '--', ...program],
    ...(env.length > 0 ? { env } : {}),
  };
}

function nodeContainer(build: TaskBuild): Record<string, unknown> {
  const { task } = build;
  const node = task.node ?? { module: '' };
  const module = renderField(build, node.module, 'node.module');
  const modulePath = posix.isAbsolute(module) ? module : posix.join(projectDir(build), module);
  const plan: NodePlan = { task: task.name, inputs: {}, outputs: {} };
  if (node.cwd !== undefined) plan.cwd = workDir(build, renderField(build, node.cwd, 'node.cwd'));
  else plan.cwd = projectDir(build);
  for (const name of Object.keys(task.inputs ?? {})) {
    const def = build.inputs.get(name);
    plan.inputs[name] = def?.kind === 'artifact' ? (def.list ? 'artifacts' : 'artifact') : def?.type === 'TASK_FINAL_STATUS' ? 'status' : 'parameter';
  }
  for (const [name, decl] of Object.entries(task.outputs ?? {})) {
    if (isStdoutOutput(decl)) build.ctx.fail('stdout output of a node task', task.name, `output ${name} is read from stdout; a node task returns its outputs (return { ${name} })`);
    const type = outputType(task, decl);
    plan.outputs[name] = isArtifactType(type) ? { kind: 'artifact', path: decl.path ?? name } : { kind: 'parameter', raw: type === 'string' };
  }
  const env = Object.entries(node.env ?? {}).map(([name, value]) => {
    const rendered = renderField(build, value, `node.env.${name}`);
    if (rendered !== value) build.ctx.fail('templated env of a node task', task.name, `node.env.${name} holds {{ }}; pass the value as an input instead`);
    return { name, value };
  });
  const loader = /\.(c|m)?tsx?$/.test(modulePath) ? ['--import', 'tsx'] : [];
  return {
    // As on Argo: the task's image, then defaults.image, then the node image.
    image: build.task.image ?? build.ctx.spec.defaults?.image ?? build.ctx.options.nodeImage ?? DEFAULT_NODE_IMAGE,
    command: ['node', ...loader, '--input-type=module', '-e', NODE_LAUNCHER],
    args: ['{{$}}', JSON.stringify(plan), modulePath, node.export ?? 'default'],
    ...(env.length > 0 ? { env } : {}),
  };
}

/** For an env value that is the run status alone: the component input holding it, as a placeholder. */
function statusEnv(build: TaskBuild, value: string): string | undefined {
  const parts = parseTemplate(value);
  const [only] = parts;
  if (parts.length !== 1 || only?.kind !== 'expr') return undefined;
  const resolved = build.ctx.resolve(only.source, build.task.name, build.loop);
  const name = resolved.kind === 'input' ? resolved.name : resolved.kind === 'source' && resolved.source.kind === 'status' ? componentChannel(build, resolved.source) : undefined;
  const def = name === undefined ? undefined : build.inputs.get(name);
  return def?.kind === 'parameter' && def.type === 'TASK_FINAL_STATUS' ? `{{$.inputs.parameters['${name ?? ''}']}}` : undefined;
}

/** A task's working directory inside the container: relative paths resolve against projectDir. */
function workDir(build: TaskBuild, cwd: string | undefined): string {
  if (cwd === undefined) return projectDir(build);
  const rendered = renderField(build, cwd, 'cwd');
  return posix.isAbsolute(rendered) ? rendered : posix.join(projectDir(build), rendered);
}

/** Kubernetes quantities as KFP's resource fields hold them; a GPU limit is an nvidia.com/gpu accelerator. */
function resourceSpec(resources: Resources | undefined): Record<string, unknown> | undefined {
  if (!resources) return undefined;
  const out: Record<string, unknown> = {};
  if (resources.limits?.cpu !== undefined) out.resourceCpuLimit = resources.limits.cpu;
  if (resources.limits?.memory !== undefined) out.resourceMemoryLimit = resources.limits.memory;
  if (resources.requests?.cpu !== undefined) out.resourceCpuRequest = resources.requests.cpu;
  if (resources.requests?.memory !== undefined) out.resourceMemoryRequest = resources.requests.memory;
  const gpu = resources.limits?.gpu ?? resources.requests?.gpu;
  if (gpu !== undefined && gpu > 0) out.accelerator = { resourceType: 'nvidia.com/gpu', resourceCount: String(gpu) };
  return Object.keys(out).length > 0 ? out : undefined;
}

