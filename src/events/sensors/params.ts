// Trigger params from the events that fired a sensor. Each param takes its value from one of:
//   dataKey       a dot path into the dependency's event data (`body.x`), or `context.<attr>` for a
//                 CloudEvent attribute (Argo Events' contextKey);
//   dataTemplate  a {{ }} template over { event, data, events };
//   expr          a CEL expression over the same;
// with `value` as the default when the key is missing or the template/expression fails — or as
// the value itself when none of the three is given. Values keep their JSON type (Argo Events
// turns them into strings unless useRawData is set; tandem's workflow params are typed).
import { TandemError } from '../../errors.js';
import { compileCel } from '../../expr/cel.js';
import { renderString } from '../../expr/template.js';
import type { IncomingEvent } from '../model.js';
import { cloudEventContext, errorText, eventView, type EventView } from './context.js';
import { lookupPath, splitPath } from './path.js';
import type { ParamSource, Trigger, TriggerParam } from './schema.js';

export class TriggerParamError extends TandemError {
  readonly code = 'TRIGGER_PARAM';
  constructor(
    readonly trigger: string,
    readonly param: string,
    reason: string,
  ) {
    super(`trigger ${trigger}, param ${param}: ${reason}`);
    this.name = 'TriggerParamError';
  }
}

/** Resolves every param of a trigger; throws TriggerParamError naming the trigger, the param and what was missing. */
export function resolveTriggerParams(trigger: Pick<Trigger, 'name' | 'params'>, events: Record<string, IncomingEvent>): Record<string, unknown> {
  const views: Record<string, EventView> = {};
  for (const [name, event] of Object.entries(events)) views[name] = eventView(event);
  const out: Record<string, unknown> = {};
  for (const param of trigger.params ?? []) out[param.name] = resolveParam(trigger.name, param, events, views);
  return out;
}

function resolveParam(trigger: string, param: TriggerParam, events: Record<string, IncomingEvent>, views: Record<string, EventView>): unknown {
  const src: ParamSource = param.src;
  const fail = (reason: string): never => {
    throw new TriggerParamError(trigger, param.name, reason);
  };
  const fallback = (reason: string): unknown => ('value' in src && src.value !== undefined ? src.value : fail(reason));

  if (src.dataKey === undefined && src.dataTemplate === undefined && src.expr === undefined) {
    return 'value' in src && src.value !== undefined ? src.value : fail('the source gives no dataKey, dataTemplate, expr or value');
  }

  const chosen = pickDependency(src.dependencyName, events);
  if (typeof chosen === 'string') {
    // The dependency did not take part in this firing (say, the other side of an ||).
    if (src.dataKey !== undefined) return fallback(chosen);
    if (src.dependencyName !== undefined) return fallback(chosen);
  }
  const event = typeof chosen === 'string' ? undefined : chosen;

  if (src.dataKey !== undefined) {
    const { root, path, what } = keyTarget(event!, src.dataKey);
    const found = lookupPath(root, path);
    if (!found.found) return fallback(`dataKey ${JSON.stringify(src.dataKey)} not found in the event of ${depLabel(src, events)}: ${found.missing.replace('the event data', what)}`);
    return found.value === undefined ? fallback(`dataKey ${JSON.stringify(src.dataKey)} is undefined`) : found.value;
  }

  const view = event ? eventView(event) : undefined;
  const context: Record<string, unknown> = { events: views };
  if (view) {
    context.event = view;
    context.data = view.data;
  }
  if (src.dataTemplate !== undefined) {
    try {
      return renderString(src.dataTemplate, context);
    } catch (error) {
      return fallback(`dataTemplate ${JSON.stringify(src.dataTemplate)} failed for ${depLabel(src, events)}: ${errorText(error)}`);
    }
  }
  try {
    return compileCel(src.expr!).evaluate(context);
  } catch (error) {
    return fallback(`expr failed for ${depLabel(src, events)}: ${errorText(error)}`);
  }
}

/** The event a param reads: the named dependency's, or the only one there is. A string says why there is none. */
function pickDependency(name: string | undefined, events: Record<string, IncomingEvent>): IncomingEvent | string {
  if (name !== undefined) {
    const event = events[name];
    return event ?? `dependency ${name} has no event in this firing (have: ${Object.keys(events).join(', ') || 'none'})`;
  }
  const all = Object.values(events);
  if (all.length === 1) return all[0]!;
  return `no dependencyName, and the firing has ${all.length} events (${Object.keys(events).join(', ')}): name the dependency`;
}

function depLabel(src: ParamSource, events: Record<string, IncomingEvent>): string {
  return `dependency ${src.dependencyName ?? Object.keys(events)[0] ?? '?'}`;
}

/** `context.<attr>` reads a CloudEvent attribute; any other key is a path into data. */
function keyTarget(event: IncomingEvent, key: string): { root: unknown; path: string; what: string } {
  const [head] = splitPath(key);
  if (head === 'context' && key.startsWith('context.')) {
    return { root: cloudEventContext(event), path: key.slice('context.'.length), what: 'the CloudEvent context' };
  }
  return { root: event.data, path: key, what: 'the event data' };
}
