// A sensor's dependencies as Argo Events event dependencies. Each names the EventSource and event
// its source compiled to. tandem's patterns: a NATS `subject` becomes a regular-expression data
// filter on the subject Argo Events keeps beside the body (exact only when ANDed with the other
// filters); a cron `subject` (the schedule expression) picks calendar events at compile time; the
// cron event type is a constant, checked at compile time. Webhook subjects and NATS/webhook event
// types have no counterpart in Argo Events' events and are refused. A dependency on a cron source
// with several schedules becomes one Argo dependency per schedule (`<name>_<index>`), which the
// conditions join with || (conditions.ts).
import type { EventSourceConfig } from '../../project/load.js';
import { matchesPattern } from '../sensors/patterns.js';
import type { Dependency, SensorSpec } from '../sensors/schema.js';
import { refuse, type CompileContext } from './context.js';
import { compileDataFilters } from './data-filters.js';
import { compileExprFilter } from './expr-filters.js';
import { subjectPatternRegex } from './paths.js';
import { shapeOf, type SourceShape } from './source-shape.js';

/** The type every tandem cron tick has (docs/webhooks-and-cron.md). */
const CRON_EVENT_TYPE = 'dev.tandem.cron.tick';

export interface CompiledDependencies {
  dependencies: Record<string, unknown>[];
  /** tandem dependency name → the Argo Events dependency names standing for it. */
  names: Map<string, string[]>;
  /** tandem dependency name → the shape of its source. */
  shapes: Map<string, SourceShape>;
}

export function compileDependencies(ctx: CompileContext, sensor: SensorSpec): CompiledDependencies {
  const out: CompiledDependencies = { dependencies: [], names: new Map(), shapes: new Map() };
  for (const dep of sensor.dependencies) {
    const where = `sensor ${sensor.name}, dependency ${dep.name}`;
    const source = ctx.sources.get(dep.eventSource);
    if (source === undefined) {
      refuse('event source', where, `"${dep.eventSource}" is not an event source of the project (runs started through the HTTP API are not Argo Events events)`);
    }
    const shape = shapeOf(source);
    const events = selectEvents(dep, source, shape, where);
    const filters = compileFilters(dep, source, shape, where);
    const names = events.map((event) => (events.length === 1 && shape.events.length === 1 ? dep.name : `${dep.name}_${shape.events.indexOf(event)}`));
    events.forEach((event, i) => {
      out.dependencies.push({
        name: names[i]!,
        eventSourceName: source.name,
        eventName: event.eventName,
        ...(filters !== undefined ? { filters } : {}),
        ...(dep.filtersLogicalOperator !== undefined ? { filtersLogicalOperator: dep.filtersLogicalOperator } : {}),
      });
    });
    out.names.set(dep.name, names);
    out.shapes.set(dep.name, shape);
  }
  return out;
}

function selectEvents(dep: Dependency, source: EventSourceConfig, shape: SourceShape, where: string): SourceShape['events'] {
  if (dep.eventType !== undefined) {
    if (source.kind !== 'cron') {
      refuse('eventType', where, `Argo Events sets a ${source.kind} event's type to the source kind; tandem's CloudEvents type (ce-type header${source.kind === 'webhook' ? ', eventTypeHeader' : ''}) is not kept where a dependency can match it`);
    }
    if (!matchesPattern(dep.eventType, CRON_EVENT_TYPE)) refuse('eventType', where, `${JSON.stringify(dep.eventType)} never matches a cron tick's type ${CRON_EVENT_TYPE}`);
  }
  if (dep.subject === undefined || source.kind === 'nats') return shape.events;
  if (source.kind === 'webhook') refuse('subject', where, "a webhook event's subject (the ce-subject header) is not kept by Argo Events");
  const chosen = shape.events.filter((event) => matchesPattern(dep.subject!, event.schedule ?? ''));
  if (chosen.length === 0) refuse('subject', where, `${JSON.stringify(dep.subject)} matches none of the source's schedules`);
  return chosen;
}

function compileFilters(dep: Dependency, source: EventSourceConfig, shape: SourceShape, where: string): Record<string, unknown> | undefined {
  const given = dep.filters ?? {};
  const filters: Record<string, unknown> = {};
  if (given.exprs !== undefined && given.exprs.length > 0) {
    filters.exprs = given.exprs.map((filter, index) => compileExprFilter(filter, shape, `${where}, expression filter ${index}`));
    if (given.exprLogicalOperator !== undefined) filters.exprLogicalOperator = given.exprLogicalOperator;
  }
  const dataOperator = given.dataLogicalOperator ?? 'and';
  const data = compileDataFilters(given.data ?? [], dataOperator, shape, where);
  const subject = subjectFilter(dep, source);
  if (subject !== undefined) {
    if (dataOperator === 'or' && data.length > 0) refuse('subject', where, 'the subject becomes a data filter in Argo Events, which dataLogicalOperator "or" would make optional');
    if (dep.filtersLogicalOperator === 'or' && (filters.exprs !== undefined || given.time !== undefined)) {
      refuse('subject', where, 'the subject becomes a data filter in Argo Events, which filtersLogicalOperator "or" would make optional');
    }
    data.unshift(subject);
  }
  if (data.length > 0) {
    filters.data = data;
    if (given.dataLogicalOperator !== undefined && (subject === undefined || data.length > 1)) filters.dataLogicalOperator = given.dataLogicalOperator;
  }
  if (given.time !== undefined) {
    const { start, stop, timezone } = given.time;
    filters.time = { start, stop, ...(timezone !== undefined ? { timezone } : {}) };
  }
  return Object.keys(filters).length > 0 ? filters : undefined;
}

/** A NATS subject pattern as a data filter, unless the source subscribes to exactly that pattern. */
function subjectFilter(dep: Dependency, source: EventSourceConfig): Record<string, unknown> | undefined {
  if (dep.subject === undefined || source.kind !== 'nats' || dep.subject === source.config.subject) return undefined;
  return { path: 'subject', type: 'string', value: [subjectPatternRegex(dep.subject)] };
}
