// References between the parts of a project: event source names are unique (and `api` is the
// HTTP API's), every sensor dependency names a source the project has, every trigger a workflow
// it serves and maps only params that workflow declares, leaving none it requires unmapped.
// Issues have JSON pointers into tandem.yaml; the caller places them. A trigger that would fail on
// every event is refused here, at start-up, rather than dead-lettered one event at a time.
import type { TandemFile } from '../config/file.js';
import type { SpecIssue } from '../errors.js';
import { API_SOURCE_NAME } from '../events/model.js';
import type { SensorSpec, Trigger } from '../events/sensors/schema.js';
import type { WorkflowSpec } from '../spec/schema.js';
import { didYouMean } from '../spec/value-types.js';
import { isRecord } from '../util/is-record.js';
import type { WorkflowCatalog } from './catalog.js';

export function crossReferences(tandem: TandemFile, sensors: ReadonlyArray<{ index: number; sensor: SensorSpec }>, catalog: WorkflowCatalog): SpecIssue[] {
  const issues: SpecIssue[] = [];
  // `api` is taken by the HTTP API's events: no source may be named so, and no sensor can depend on
  // it (the sensor validator says why), so it is not offered as a known source either.
  const names = new Set<string>([API_SOURCE_NAME]);
  // A source with a problem in its body still has its name: sensors naming it are not wrong too.
  const declared = tandem.raw('eventSources');
  (Array.isArray(declared) ? declared : []).forEach((decl: unknown, index) => {
    const name = isRecord(decl) ? decl.name : undefined;
    if (typeof name !== 'string' || !tandem.sound(`/eventSources/${index}/name`)) return;
    if (names.has(name)) issues.push({ path: `/eventSources/${index}/name`, message: `event source name "${name}" is used twice (or is reserved: "api" is the HTTP API)` });
    names.add(name);
  });
  const known = [...names].filter((name) => name !== API_SOURCE_NAME).join(', ') || 'none declared';
  // `tandem serve` publishes dead letters through the first NATS source's connection.
  const natsSource = (Array.isArray(declared) ? declared : []).some((decl: unknown) => isRecord(decl) && decl.nats !== undefined);
  for (const { index, sensor } of sensors) {
    sensor.dependencies.forEach((dep, d) => {
      if (!names.has(dep.eventSource)) {
        issues.push({ path: `/sensors/${index}/dependencies/${d}/eventSource`, message: `unknown event source "${dep.eventSource}"`, expected: `one of ${known}` });
      }
    });
    sensor.triggers.forEach((trigger, t) => {
      const entry = catalog.get(trigger.workflow);
      if (!entry) {
        const served = catalog.list().map((e) => e.spec.name).join(', ') || 'none';
        issues.push({ path: `/sensors/${index}/triggers/${t}/workflow`, message: `workflow "${trigger.workflow}" is not served by this project`, expected: `one of ${served}` });
        return;
      }
      issues.push(...triggerParamIssues(trigger, entry.spec, `/sensors/${index}/triggers/${t}`));
    });
    sensor.triggers.forEach((trigger, t) => {
      if (trigger.deadLetter?.subject === undefined || natsSource) return;
      issues.push({
        path: `/sensors/${index}/triggers/${t}/deadLetter/subject`,
        message: `no NATS server to publish dead letters to: tandem serve publishes them through the connection of the project's first nats event source, and the project has none`,
        expected: 'a nats event source, or no subject (the dead letter is then only recorded: tandem events dead-letters lists it)',
      });
    });
  }
  return issues;
}

/** A trigger's params against its workflow's: each mapped one declared, each required one mapped. */
function triggerParamIssues(trigger: Trigger, spec: WorkflowSpec, path: string): SpecIssue[] {
  const declared = spec.params ?? {};
  const names = Object.keys(declared);
  const takes = names.length > 0 ? `one of ${names.join(', ')}` : `nothing: workflow "${spec.name}" declares no params`;
  const issues: SpecIssue[] = [];
  const mapped = new Set<string>();
  (trigger.params ?? []).forEach((param, p) => {
    mapped.add(param.name);
    if (Object.hasOwn(declared, param.name)) return;
    issues.push({ path: `${path}/params/${p}/name`, message: `workflow "${spec.name}" declares no param "${param.name}"${didYouMean(param.name, names)}`, expected: takes });
  });
  const missing = names.filter((name) => declared[name]?.default === undefined && !mapped.has(name));
  if (missing.length > 0) {
    const list = missing.map((name) => `"${name}"`).join(', ');
    issues.push({
      path: trigger.params === undefined ? path : `${path}/params`,
      message: `workflow "${spec.name}" requires param${missing.length === 1 ? '' : 's'} ${list} (no default), which this trigger does not map`,
      expected: `a params entry for ${list}, or a default in the workflow`,
    });
  }
  return issues;
}
