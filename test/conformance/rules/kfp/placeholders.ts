// Which `{{$…}}` placeholders may appear where, as KFP's backend fills them in. The launcher
// (component/launcher_v2.go) replaces, in a container's command and args only, `{{$}}` (the
// executor input) and the input and output placeholders of the component's own interface; the
// driver (driver/resolve.go) substitutes run-level placeholders (`{{$.pipeline_job_uuid}}` …)
// only where a task input's runtimeValue constant is exactly one of them. Anything else reaches
// the container as literal text.
import { components, definitions, list, record, tasks, esc, type Json, type Problem } from './ir.js';

/** The run-level placeholders the driver knows (resolve.go, resolveInputParameter). */
const RUN_PLACEHOLDERS = new Set([
  '{{$.pipeline_job_name}}',
  '{{$.pipeline_job_resource_name}}',
  '{{$.pipeline_job_uuid}}',
  '{{$.pipeline_task_name}}',
  '{{$.pipeline_task_uuid}}',
  '{{$.pipeline_job_create_time_utc}}',
  '{{$.pipeline_job_schedule_time_utc}}',
]);

const PLACEHOLDER = /\{\{\$[^{}]*\}\}/g;
const INTERFACE = /^\{\{\$\.(inputs|outputs)\.(parameters|artifacts)\['([^']+)'\](?:\.(output_file|uri|path|metadata))?\}\}$/;

export function placeholderProblems(doc: Json): Problem[] {
  const problems: Problem[] = [];
  const executors = record(record(doc.deploymentSpec).executors);
  for (const { component, path } of components(doc)) {
    const label = component.executorLabel;
    if (typeof label !== 'string') continue;
    const container = record(record(executors[label]).container);
    const at = `/deploymentSpec/executors/${esc(label)}/container`;
    const fields: Array<[string, unknown]> = [
      ...list(container.command).map((v, i): [string, unknown] => [`${at}/command/${i}`, v]),
      ...list(container.args).map((v, i): [string, unknown] => [`${at}/args/${i}`, v]),
    ];
    for (const [where, value] of fields) {
      if (typeof value !== 'string') continue;
      for (const found of value.match(PLACEHOLDER) ?? []) {
        const problem = containerPlaceholder(found, component);
        if (problem) problems.push({ path: where, message: `${problem} (component ${path})` });
      }
    }
    list(container.env).forEach((entry, i) => {
      const value = record(entry).value;
      if (typeof value === 'string' && value.includes('{{$')) {
        problems.push({ path: `${at}/env/${i}/value`, message: `env value "${value}" holds a placeholder; KFP's launcher fills in command and args only` });
      }
    });
  }
  for (const { task, path } of tasks(doc)) {
    for (const [name, input] of Object.entries(record(record(task.inputs).parameters))) {
      const constant = record(record(input).runtimeValue).constant;
      if (typeof constant !== 'string' || RUN_PLACEHOLDERS.has(constant)) continue;
      const run = (constant.match(PLACEHOLDER) ?? []).find((p) => p.startsWith('{{$.pipeline_'));
      if (run !== undefined) {
        problems.push({ path: `${path}/inputs/parameters/${esc(name)}/runtimeValue/constant`, message: `"${constant}" embeds ${run}; the driver substitutes it only when it is the whole constant` });
      }
    }
  }
  return problems;
}

function containerPlaceholder(text: string, component: Json): string | undefined {
  if (text === '{{$}}') return undefined;
  if (text.startsWith('{{$.pipeline_')) return `${text} in a container is never substituted; pass it as a task input whose runtimeValue is the placeholder`;
  const match = INTERFACE.exec(text);
  if (!match) return `${text} is not a placeholder KFP's launcher fills in`;
  const [, side, kind, name, suffix] = match as unknown as [string, 'inputs' | 'outputs', 'parameters' | 'artifacts', string, string | undefined];
  const declared = definitions(component, side === 'inputs' ? 'inputDefinitions' : 'outputDefinitions', kind);
  if (!(name in declared)) return `${text}: the component declares no ${side === 'inputs' ? 'input' : 'output'} ${kind === 'parameters' ? 'parameter' : 'artifact'} "${name}"`;
  // A list of artifacts is written whole, without a suffix (the SDK's list-of-artifacts input).
  const list = kind === 'artifacts' && record(declared[name]).isArtifactList === true ? [undefined] : [];
  const wanted: Array<string | undefined> = kind === 'parameters' ? (side === 'outputs' ? ['output_file'] : [undefined]) : ['uri', 'path', 'metadata', ...list];
  if (!wanted.includes(suffix)) return `${text}: ${side} ${kind} take ${wanted.map((w) => (w === undefined ? 'no suffix' : `.${w}`)).join(', ')}`;
  return undefined;
}
