// References between the parts of a project: event source names are unique (and `api` is the
// HTTP API's), every sensor dependency names a source the project has, every trigger a workflow
// it serves. Issues have JSON pointers into tandem.yaml; the caller places them.
import type { TandemFile } from '../config/file.js';
import type { SpecIssue } from '../errors.js';
import { API_SOURCE_NAME } from '../events/model.js';
import type { SensorSpec } from '../events/sensors/schema.js';
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
  for (const { index, sensor } of sensors) {
    sensor.dependencies.forEach((dep, d) => {
      if (!names.has(dep.eventSource)) {
        issues.push({ path: `/sensors/${index}/dependencies/${d}/eventSource`, message: `unknown event source "${dep.eventSource}"`, expected: `one of ${known}` });
      }
    });
    sensor.triggers.forEach((trigger, t) => {
      if (!catalog.get(trigger.workflow)) {
        const served = catalog.list().map((e) => e.spec.name).join(', ') || 'none';
        issues.push({ path: `/sensors/${index}/triggers/${t}/workflow`, message: `workflow "${trigger.workflow}" is not served by this project`, expected: `one of ${served}` });
      }
    });
  }
  return issues;
}
