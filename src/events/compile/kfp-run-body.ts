// The whole body of a KFP run as one Go template, for a kubeflow-lane trigger whose params have
// typed defaults. Argo Events writes a parameter's `value` (its default) into a payload as text,
// whatever it looks like (ResolveParamValue returns it as a string, and only values read from the
// event keep their JSON type with useRawData), so a default 400 would reach KFP as "400", which a
// NUMBER_INTEGER parameter refuses. A trigger parameter with an empty `dest` is the entire payload
// instead, and its `dataTemplate` (Go text/template with sprig, over the event's data as `.Input`)
// can write each value as JSON: the event's value when present (toJson), else the default's JSON
// text. A template reads one event, so every param read from an event must read the same one.
import { refuse } from './context.js';
import type { ArgoParamSource } from './param-sources.js';
import { gjsonKeys } from './paths.js';

export interface BodyParam {
  name: string;
  src: ArgoParamSource;
  /** The default as the user typed it (number, boolean, list, object or text), if any. */
  fallback?: unknown;
}

interface RunBody {
  displayName: string;
  pipelineId: string;
  params: readonly BodyParam[];
}

/** The trigger parameter that writes the whole run; its dependency is the one event the params read. */
export function templatedRunPayload(body: RunBody, where: string, anyDependency: string): Record<string, unknown> {
  const readers = body.params.filter((p) => p.src.dataKey !== undefined || p.src.contextKey !== undefined);
  const dependencies = new Set(readers.map((p) => p.src.dependencyName));
  if (dependencies.size > 1) {
    refuse('param value', where, `typed defaults need the run's body written by one template, which reads one event; these params read ${[...dependencies].join(', ')}`);
  }
  const parameters = body.params.map((p, i) => `${JSON.stringify(p.name)}:${valueTemplate(p, `$v${i}`, `${where}, param ${p.name}`)}`);
  const template = `{"display_name":${literal(body.displayName, where)},"pipeline_version_reference":{"pipeline_id":${literal(body.pipelineId, where)}},"runtime_config":{"parameters":{${parameters.join(',')}}}}`;
  return { src: { dependencyName: [...dependencies][0] ?? anyDependency, dataTemplate: template }, dest: '' };
}

/** JSON text placed in the template as it is: it must not open or close a template action. */
function literal(value: unknown, where: string): string {
  const text = JSON.stringify(value);
  if (text.includes('{{') || text.includes('}}')) refuse('param value', where, `${text} holds {{ or }}, which the Go template of the run's body would read as an action`);
  return text;
}

/** One value of the body; `variable` is the template variable it holds the event's value in. */
function valueTemplate(param: BodyParam, variable: string, where: string): string {
  const { src } = param;
  if (src.contextKey !== undefined) {
    refuse('param value', where, "the run's body template reads the event's data only, not its context; with typed defaults a param cannot read context keys");
  }
  if (src.dataKey === undefined) return literal(param.fallback ?? src.value ?? '', where);
  const keys = gjsonKeys(src.dataKey);
  // sprig's dig walks objects only: an index into a list would silently give the default.
  if (keys.some((key) => /^\d+$/.test(key))) refuse('param value', where, `${src.dataKey} indexes a list; the body template's dig walks objects only`);
  const lookup = `{{ ${variable} := dig ${keys.map((key) => JSON.stringify(key)).join(' ')} nil .Input }}`;
  // kindIs "invalid" is true for a missing key (nil); without a default the trigger fails, as Argo Events' own lookup does.
  const missing = param.fallback !== undefined ? literal(param.fallback, where) : `{{ fail ${JSON.stringify(`${param.name}: ${src.dataKey} is not in the event`)} }}`;
  return `${lookup}{{ if kindIs "invalid" ${variable} }}${missing}{{ else }}{{ toJson ${variable} }}{{ end }}`;
}
