// Outputs read from a task's stdout (`outputs.x.stdout: true` or a dot path into the JSON it
// prints). KFP reads outputs from files only, so the task's launcher keeps the JSON it printed (the
// whole stdout, or its last line when the task logged first, as tandem reads it) in one STRING
// output, `tandem-stdout`, and a small capture step right after it, `<task>-stdout`, takes that
// output once per stdout output through KFP's parameterExpressionSelector (CEL: parseJson and the
// path) and writes each typed value to its output file. Everything downstream reads the capture
// step's outputs as it would read any task's outputs: in conditions, loops and workflow outputs.
import type { OutputDecl, TaskSpec } from '../../../spec/schema.js';
import type { CompileContext } from './context.js';
import type { Scope } from './scopes.js';
import { definitionJson, type IrValueDef } from './types.js';

/** The producer's output holding the JSON its stdout carried. */
export const STDOUT_OUTPUT = 'tandem-stdout';

/** Copies each input (the selected value, rendered by KFP's launcher) to its output file. */
const CAPTURE_SCRIPT = `set -eu
while [ "$#" -ge 2 ]; do
  mkdir -p "$(dirname "$2")"
  printf '%s' "$1" > "$2"
  shift 2
done
`;

export function isStdoutOutput(decl: OutputDecl): boolean {
  return decl.stdout !== undefined && decl.stdout !== false;
}

/** The task's stdout outputs, by name. */
function stdoutOutputs(task: TaskSpec): Array<[string, OutputDecl]> {
  return Object.entries(task.outputs ?? {}).filter(([, decl]) => isStdoutOutput(decl));
}

/** The CEL selector that picks an output out of the stdout JSON: parseJson(...) and the dot path. */
function selector(ctx: CompileContext, task: string, name: string, decl: OutputDecl): string {
  const path = typeof decl.stdout === 'string' ? decl.stdout.replace(/^\$\.?/, '') : '';
  const keys = path === '' ? [] : path.split('.');
  if (keys.some((key) => key === '')) ctx.fail('stdout output', task, `outputs.${name}.stdout "${String(decl.stdout)}" is not a dot path`);
  return `parseJson(string_value)${keys.map((key) => (/^[0-9]+$/.test(key) ? `[${key}]` : `[${JSON.stringify(key)}]`)).join('')}`;
}

export interface Capture {
  component: Record<string, unknown>;
  executor: Record<string, unknown>;
}

/** Adds the capture step of `task` (placed in `scope` as `producer`) and registers where its outputs live. */
export function captureStdout(ctx: CompileContext, task: TaskSpec, scope: Scope, producer: string, image: string): Capture | undefined {
  const outputs = stdoutOutputs(task);
  if (outputs.length === 0) return undefined;
  const name = ctx.dagName(ctx.stdoutTask(task.name));
  const step = scope.addTask(name, {
    componentRef: { name: `comp-${name}` },
    taskInfo: { name },
    // Cheap and a pure function of its input: caching it would only add a cache lookup.
    cachingOptions: { enableCache: false },
  });
  step.dependsOn.add(producer);
  const inputDefs: Record<string, unknown> = {};
  const outputDefs: Record<string, unknown> = {};
  const args: string[] = [];
  for (const [output, decl] of outputs) {
    const def: IrValueDef = ctx.outputDef(task.name, output);
    step.parameters.set(output, {
      taskOutputParameter: { producerTask: producer, outputParameterKey: STDOUT_OUTPUT },
      parameterExpressionSelector: selector(ctx, task.name, output, decl),
    });
    inputDefs[output] = definitionJson(def);
    outputDefs[output] = definitionJson(def);
    args.push(`{{$.inputs.parameters['${output}']}}`, `{{$.outputs.parameters['${output}'].output_file}}`);
  }
  ctx.locations.set(ctx.stdoutTask(task.name), { scope, dagName: name });
  return {
    component: { executorLabel: `exec-${name}`, inputDefinitions: { parameters: inputDefs }, outputDefinitions: { parameters: outputDefs } },
    executor: { container: { image, command: ['/bin/sh', '-c', CAPTURE_SCRIPT, 'tandem-stdout'], args } },
  };
}
