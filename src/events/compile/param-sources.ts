// A trigger param's source as an Argo Events TriggerParameterSource. tandem's `dataKey` is a path
// into tandem's data, which sits under a prefix in the Argo Events event (`body`); `context.<attr>`
// is Argo Events' contextKey where the attribute means the same (`sourceName` is Argo's `source`,
// the event source name; `id` and `time` are Argo's own, with a warning) and, for NATS, the
// subject Argo keeps in the data. A `dataTemplate` that is one `{{ data.path }}` placeholder is that
// dataKey; any other template is CEL and refused, as is `expr`. Defaults (`value`) become text.
import type { ParamSource, SensorSpec, Trigger, TriggerParam } from '../sensors/schema.js';
import { refuse, type CompileContext } from './context.js';
import { underPrefix } from './paths.js';
import type { CompiledDependencies } from './dependencies.js';

export interface ArgoParamSource {
  dependencyName: string;
  dataKey?: string;
  contextKey?: string;
  value?: string;
  useRawData?: boolean;
}

const PLAIN_DATA_TEMPLATE = /^\s*\{\{\s*data\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*\}\}\s*$/;

/** Text of a default: strings as they are, anything else as JSON. */
function defaultText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function compileParamSource(
  ctx: CompileContext,
  sensor: SensorSpec,
  trigger: Trigger,
  param: TriggerParam,
  deps: CompiledDependencies,
  options: { rawData: boolean },
): ArgoParamSource {
  const where = `sensor ${sensor.name}, trigger ${trigger.name}, param ${param.name}`;
  const src: ParamSource = param.src;
  if (src.expr !== undefined) refuse('param expr', where, 'Argo Events parameters take a data or context key, or a Go template; a CEL expression has no counterpart');
  const depName = src.dependencyName ?? (sensor.dependencies.length === 1 ? sensor.dependencies[0]!.name : undefined);
  const hasValue = 'value' in src && src.value !== undefined;
  const valueField = hasValue ? { value: defaultText(src.value) } : {};
  if (src.dataKey === undefined && src.dataTemplate === undefined) {
    if (!hasValue) refuse('param', where, 'the source gives no dataKey, dataTemplate or value');
    // A literal: Argo Events returns the value whether or not the dependency's event is there.
    return { dependencyName: (deps.names.get(depName ?? sensor.dependencies[0]!.name) ?? [])[0] ?? depName!, ...valueField };
  }
  if (depName === undefined) refuse('param dependencyName', where, 'the sensor has several dependencies: Argo Events needs to know which event the param reads');
  const argoNames = deps.names.get(depName) ?? [];
  if (argoNames.length !== 1) {
    refuse('param dependencyName', where, `dependency ${depName} became ${argoNames.length} Argo Events dependencies (one per schedule); a param reads one of them only`);
  }
  const shape = deps.shapes.get(depName)!;
  const dependencyName = argoNames[0]!;
  let dataKey = src.dataKey;
  if (dataKey === undefined) {
    const plain = PLAIN_DATA_TEMPLATE.exec(src.dataTemplate!);
    if (!plain) {
      refuse('param dataTemplate', where, `${JSON.stringify(src.dataTemplate)} is a tandem {{ }} template with CEL; Argo Events' dataTemplate is a Go template. Only a single {{ data.<path> }} compiles (to a dataKey)`);
    }
    dataKey = plain[1]!;
  }
  const raw = options.rawData ? { useRawData: true } : {};
  if (dataKey.startsWith('context.')) {
    const attribute = dataKey.slice('context.'.length);
    if (attribute === 'sourceName') return { dependencyName, contextKey: 'source', ...valueField };
    if (attribute === 'id' || attribute === 'time') {
      ctx.warn(`param ${dataKey}`, where, `Argo Events' event ${attribute} is its own (${attribute === 'id' ? 'a generated id' : 'when its event source received the event'}), not the one tandem would give`);
      return { dependencyName, contextKey: attribute, ...valueField };
    }
    if (attribute === 'subject' && shape.kind === 'nats') return { dependencyName, dataKey: 'subject', ...valueField };
    refuse(`param ${dataKey}`, where, `Argo Events' event context does not carry tandem's ${attribute} (its type, source and subject name the Argo event source and event)`);
  }
  if ('unreadable' in shape.data) refuse('param dataKey', where, `the event data cannot be read in Argo Events: ${shape.data.unreadable}`);
  return { dependencyName, dataKey: underPrefix(shape.data.prefix, dataKey), ...valueField, ...raw };
}
