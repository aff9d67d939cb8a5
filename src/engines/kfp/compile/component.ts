// One task's KFP component interface: its declared inputs (constants, pipeline params, upstream
// outputs, the loop item) and the values its runner's templates read, each bound in the DAG
// scope the task sits in, and the `{{ }}` templates of runner fields rewritten as KFP placeholders.
import { isInputDecl } from '../../../spec/input-types.js';
import type { TaskSpec } from '../../../spec/schema.js';
import { isArtifactType } from '../../../spec/value-types.js';
import { hasTemplate, parseTemplate } from '../../../expr/template.js';
import { visitStrings } from '../../../expr/references.js';
import type { CompileContext, RunPlaceholder } from './context.js';
import { isStdoutOutput, STDOUT_OUTPUT } from './stdout-capture.js';
import { channelName, type DagTask, type Scope, type Source } from './scopes.js';
import { literalType, parameterType, type IrValueDef } from './types.js';

/** A task being compiled: where it sits and the component interface collected so far. */
export interface TaskBuild {
  ctx: CompileContext;
  task: TaskSpec;
  scope: Scope;
  loop: Scope | undefined;
  dagTask: DagTask;
  inputs: Map<string, IrValueDef>;
  outputs: Map<string, IrValueDef>;
}

/** Binds every declared input of the task, as the component input of the same name. */
export function bindDeclaredInputs(build: TaskBuild): void {
  for (const [name, raw] of Object.entries(build.task.inputs ?? {})) {
    const decl = isInputDecl(raw) ? raw : undefined;
    const value = decl ? decl.value : raw;
    const declared = decl?.type;
    let templated = false;
    visitStrings(value, (text) => (templated ||= hasTemplate(text)));
    if (!templated) {
      if (isArtifactType(declared)) build.ctx.fail('literal artifact input', build.task.name, `input ${name} is an artifact but its value is not a reference to an artifact output`);
      const type = declared !== undefined ? parameterType(declared, Array.isArray(value) ? 'LIST' : 'STRUCT') : literalType(value);
      setInput(build, name, { kind: 'parameter', type }, { runtimeValue: { constant: value } });
      continue;
    }
    if (typeof value !== 'string') {
      build.ctx.fail('template inside a structured input', build.task.name, `input ${name} is a list or object holding {{ }}; KFP passes a task input from one source`);
    }
    const parts = parseTemplate(value);
    const [only] = parts;
    if (parts.length === 1 && only?.kind === 'expr') {
      const resolved = build.ctx.resolve(only.source, build.task.name, build.loop);
      if (resolved.kind === 'source') {
        const binding = build.ctx.binder.bind(build.scope, resolved.source);
        const def = declared !== undefined && binding.def.kind === 'parameter' && !isArtifactType(declared) ? { kind: 'parameter' as const, type: parameterType(declared, binding.def.type === 'LIST' ? 'LIST' : 'STRUCT') } : binding.def;
        setInput(build, name, def, binding.spec);
        if (binding.dependsOn !== undefined) build.dagTask.dependsOn.add(binding.dependsOn);
        continue;
      }
      if (resolved.kind === 'input') build.ctx.fail('input referring to an input', build.task.name, `input ${name} refers to inputs.${resolved.name}`);
      if (resolved.kind === 'placeholder') {
        // The whole value is the placeholder: the one form the driver substitutes.
        setInput(build, name, { kind: 'parameter', type: 'STRING' }, { runtimeValue: { constant: resolved.placeholder.text } });
        continue;
      }
    }
    // Text with placeholders: a constant KFP fills in from extra task inputs, as the SDK compiles f-strings.
    const text = parts
      .map((part) => {
        if (part.kind === 'text') return part.text;
        const resolved = build.ctx.resolve(part.source, build.task.name, build.loop);
        if (resolved.kind === 'placeholder') {
          build.dagTask.parameters.set(resolved.placeholder.input, { runtimeValue: { constant: resolved.placeholder.text } });
          return `{{$.inputs.parameters['${resolved.placeholder.input}']}}`;
        }
        if (resolved.kind === 'input') return build.ctx.fail('input referring to an input', build.task.name, `input ${name} refers to inputs.${resolved.name}`);
        if (resolved.source.kind === 'status') return statusInText(build, `input ${name}`);
        const channel = taskChannel(build, resolved.source, `input ${name}`);
        return `{{$.inputs.parameters['${channel}']}}`;
      })
      .join('');
    setInput(build, name, { kind: 'parameter', type: 'STRING' }, { runtimeValue: { constant: text } });
  }
}

/** Rewrites the `{{ }}` of a runner field as KFP placeholders, binding what they read. */
export function renderField(build: TaskBuild, text: string, field: string): string {
  if (!hasTemplate(text)) return text;
  return parseTemplate(text)
    .map((part) => {
      if (part.kind === 'text') return part.text;
      const resolved = build.ctx.resolve(part.source, build.task.name, build.loop);
      if (resolved.kind === 'placeholder') return runValue(build, resolved.placeholder);
      if (resolved.kind === 'source' && resolved.source.kind === 'status') return statusInText(build, field);
      const name = resolved.kind === 'input' ? resolved.name : componentChannel(build, resolved.source);
      const def = build.inputs.get(name);
      if (!def) return build.ctx.fail('reference', build.task.name, `${field} refers to inputs.${name}, which the task does not declare`);
      if (def.kind === 'parameter' && def.type === 'TASK_FINAL_STATUS') return statusInText(build, field);
      if (def.kind === 'parameter') return `{{$.inputs.parameters['${name}']}}`;
      if (def.list) return build.ctx.fail('list of artifacts in a string', build.task.name, `${field} reads "${part.source}", a list of artifacts; KFP has a path placeholder for single artifacts only`);
      return `{{$.inputs.artifacts['${name}'].path}}`;
    })
    .join('');
}

/**
 * A run-level value in a container field: a component input whose task input is the bare
 * placeholder, so the driver fills it in (it never substitutes `{{$.pipeline_*}}` in args).
 */
function runValue(build: TaskBuild, placeholder: RunPlaceholder): string {
  if (!build.inputs.has(placeholder.input)) setInput(build, placeholder.input, { kind: 'parameter', type: 'STRING' }, { runtimeValue: { constant: placeholder.text } });
  return `{{$.inputs.parameters['${placeholder.input}']}}`;
}

/** The run status is a PipelineTaskFinalStatus struct: only the launchers translate it. */
function statusInText(build: TaskBuild, field: string): never {
  return build.ctx.fail(
    'run.status',
    build.task.name,
    `${field} places the run status in text; KFP hands exit tasks a PipelineTaskFinalStatus struct, which tandem's launchers turn into tandem's status only as a whole env value ("{{ run.status }}") or a node task input`,
  );
}

/** A value the container reads: a component input named after its pipeline channel. */
export function componentChannel(build: TaskBuild, source: Source): string {
  const name = channelName(source, build.ctx.dagName);
  if (!build.inputs.has(name)) {
    const binding = build.ctx.binder.bind(build.scope, source);
    setInput(build, name, binding.def, binding.spec);
    if (binding.dependsOn !== undefined) build.dagTask.dependsOn.add(binding.dependsOn);
  }
  return name;
}

/** A value only a constant input reads: a task input, not part of the component interface. */
function taskChannel(build: TaskBuild, source: Source, what: string): string {
  const name = channelName(source, build.ctx.dagName);
  const binding = build.ctx.binder.bind(build.scope, source);
  if (binding.def.kind !== 'parameter') build.ctx.fail('artifact inside text', build.task.name, `${what} places an artifact inside text`);
  build.dagTask.parameters.set(name, binding.spec);
  if (binding.dependsOn !== undefined) build.dagTask.dependsOn.add(binding.dependsOn);
  return name;
}

function setInput(build: TaskBuild, name: string, def: IrValueDef, spec: Record<string, unknown>): void {
  build.inputs.set(name, def);
  (def.kind === 'parameter' ? build.dagTask.parameters : build.dagTask.artifacts).set(name, spec);
}

/** The task's outputs as its component declares them. */
export function declareOutputs(build: TaskBuild): void {
  let stdout = false;
  for (const [name, decl] of Object.entries(build.task.outputs ?? {})) {
    if (isStdoutOutput(decl)) stdout = true;
    else build.outputs.set(name, build.ctx.outputDef(build.task.name, name));
  }
  // Stdout outputs leave as the JSON printed, which the capture step picks apart (stdout-capture.ts).
  if (stdout) build.outputs.set(STDOUT_OUTPUT, { kind: 'parameter', type: 'STRING' });
}

