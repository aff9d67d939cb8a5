// Loads a project file (tandem.yaml): its workflows, event sources, sensors and server settings,
// every problem reported at once with the file, JSON path and line:column — including problems
// in the workflow files it names and references between the parts (a sensor naming a source
// that does not exist, a trigger naming a workflow that is not served).
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { SpecLoadError, SpecValidationError, type SpecIssue } from '../errors.js';
import { validateSensor } from '../events/sensors/validate.js';
import type { SensorSpec } from '../events/sensors/schema.js';
import { parseCronConfig } from '../events/sources/cron/schema.js';
import type { CronSourceConfig } from '../events/sources/cron/schema.js';
import { parseNatsSourceConfig } from '../events/sources/nats/options.js';
import type { NatsSourceConfig } from '../events/sources/nats/schema.js';
import { parseWebhookConfig, type WebhookSourceConfig } from '../events/sources/webhook/schema.js';
import { ajvIssues } from '../spec/ajv-issues.js';
import { durationMs } from '../spec/duration.js';
import { loadWorkflowFile } from '../spec/load.js';
import type { PositionLookup } from '../spec/positions.js';
import { locate } from '../spec/validate.js';
import { parseYamlText } from '../spec/yaml.js';
import { DEFAULT_NAMESPACE, WorkflowCatalog } from './catalog.js';
import { ProjectDecl, SOURCE_KINDS, type ApiTokenDecl } from './schema.js';
import { errorMessage } from '../util/error-message.js';

export type EventSourceConfig = (
  | { name: string; kind: 'nats'; config: NatsSourceConfig }
  | { name: string; kind: 'webhook'; config: WebhookSourceConfig }
  | { name: string; kind: 'cron'; config: CronSourceConfig }
) & { example?: Record<string, unknown> };

export interface Project {
  file: string;
  dir: string;
  catalog: WorkflowCatalog;
  eventSources: EventSourceConfig[];
  sensors: SensorSpec[];
  server: { host: string; port: number; tokens: ApiTokenDecl[]; shutdownGraceMs: number };
}

export const DEFAULT_PORT = 8080;
export const DEFAULT_SHUTDOWN_GRACE_MS = 30_000;
/** The name sensors use for events made from API calls. */
export const API_SOURCE = 'api';

let projectValidator: ReturnType<Ajv['compile']> | undefined;

export async function loadProject(file: string): Promise<Project> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SpecLoadError(file, code === 'ENOENT' ? 'no such file' : `cannot read: ${errorMessage(error)}`);
  }
  const { value, positions } = parseYamlText(text, file);
  const issues: SpecIssue[] = [];
  const place = (list: SpecIssue[]) => issues.push(...list.map((issue) => locate(issue, { file, positions })));
  projectValidator ??= new Ajv({ allErrors: true, strict: true }).compile(ProjectDecl);
  if (!projectValidator(value ?? {})) {
    place(ajvIssues(projectValidator.errors ?? []));
    throw new SpecValidationError(issues);
  }
  const doc = (value ?? {}) as ProjectDecl;
  const dir = dirname(resolve(file));
  const catalog = new WorkflowCatalog();
  await loadWorkflows(doc, dir, catalog, issues, place);
  const eventSources = parseSources(doc, place);
  const sensors = parseSensors(doc, file, positions, issues);
  place(crossReferences(doc, eventSources, sensors, catalog));
  if (issues.length > 0) throw new SpecValidationError(issues);
  return {
    file,
    dir,
    catalog,
    eventSources,
    sensors,
    server: {
      host: doc.server?.host ?? '127.0.0.1',
      port: doc.server?.port ?? DEFAULT_PORT,
      tokens: doc.server?.tokens ?? [],
      shutdownGraceMs: doc.server?.shutdownGracePeriod !== undefined ? durationMs(doc.server.shutdownGracePeriod) : DEFAULT_SHUTDOWN_GRACE_MS,
    },
  };
}

async function loadWorkflows(
  doc: ProjectDecl,
  dir: string,
  catalog: WorkflowCatalog,
  issues: SpecIssue[],
  place: (list: SpecIssue[]) => void,
): Promise<void> {
  for (const [index, ref] of (doc.workflows ?? []).entries()) {
    const path = typeof ref === 'string' ? ref : ref.file;
    const namespace = (typeof ref === 'string' ? undefined : ref.namespace) ?? doc.namespace ?? DEFAULT_NAMESPACE;
    try {
      const loaded = await loadWorkflowFile(resolve(dir, path));
      if (catalog.get(loaded.spec.name)) {
        place([{ path: `/workflows/${index}`, message: `workflow "${loaded.spec.name}" is listed twice` }]);
        continue;
      }
      catalog.add({ spec: loaded.spec, namespace, baseDir: loaded.baseDir, sourceFile: loaded.file });
    } catch (error) {
      // Problems inside a workflow file keep that file's own name and positions.
      if (error instanceof SpecValidationError) issues.push(...error.issues);
      else if (error instanceof SpecLoadError) place([{ path: `/workflows/${index}`, message: error.message }]);
      else throw error;
    }
  }
}

function parseSources(doc: ProjectDecl, place: (list: SpecIssue[]) => void): EventSourceConfig[] {
  const sources: EventSourceConfig[] = [];
  for (const [index, decl] of (doc.eventSources ?? []).entries()) {
    const base = `/eventSources/${index}`;
    const kinds = SOURCE_KINDS.filter((kind) => decl[kind] !== undefined);
    if (kinds.length !== 1) {
      place([{ path: base, message: `event source "${decl.name}" must have exactly one of ${SOURCE_KINDS.join(', ')}`, found: kinds.join(', ') || 'none' }]);
      continue;
    }
    const kind = kinds[0]!;
    const example = decl.example !== undefined ? { example: decl.example } : {};
    try {
      if (kind === 'nats') sources.push({ name: decl.name, kind, config: parseNatsSourceConfig(decl.nats), ...example });
      else if (kind === 'webhook') sources.push({ name: decl.name, kind, config: parseWebhookConfig(decl.webhook), ...example });
      else sources.push({ name: decl.name, kind, config: parseCronConfig(decl.cron), ...example });
    } catch (error) {
      if (!(error instanceof SpecValidationError)) throw error;
      place(error.issues.map((issue) => ({ ...issue, path: `${base}/${kind}${issue.path === '/' ? '' : issue.path}` })));
    }
  }
  return sources;
}

function parseSensors(doc: ProjectDecl, file: string, positions: PositionLookup, issues: SpecIssue[]): SensorSpec[] {
  const sensors: SensorSpec[] = [];
  for (const [index, raw] of (doc.sensors ?? []).entries()) {
    const base = `/sensors/${index}`;
    // The sensor validator sees the sensor alone; its paths are placed back inside the project file.
    const shifted: PositionLookup = { position: (pointer) => positions.position(`${base}${pointer === '/' ? '' : pointer}`) };
    try {
      sensors.push(validateSensor(raw, { file, positions: shifted }));
    } catch (error) {
      if (!(error instanceof SpecValidationError)) throw error;
      issues.push(...error.issues.map((issue) => ({ ...issue, path: `${base}${issue.path === '/' ? '' : issue.path}` })));
    }
  }
  return sensors;
}

function crossReferences(doc: ProjectDecl, sources: EventSourceConfig[], sensors: SensorSpec[], catalog: WorkflowCatalog): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const names = new Set<string>([API_SOURCE]);
  for (const [index, decl] of (doc.eventSources ?? []).entries()) {
    if (names.has(decl.name)) issues.push({ path: `/eventSources/${index}/name`, message: `event source name "${decl.name}" is used twice (or is reserved: "api" is the HTTP API)` });
    names.add(decl.name);
  }
  const known = [...names].join(', ');
  const sensorIndex = new Map((doc.sensors ?? []).map((raw, i) => [raw !== null && typeof raw === 'object' ? (raw as { name?: unknown }).name : undefined, i]));
  for (const sensor of sensors) {
    const i = sensorIndex.get(sensor.name) ?? 0;
    sensor.dependencies.forEach((dep, d) => {
      if (!names.has(dep.eventSource)) {
        issues.push({ path: `/sensors/${i}/dependencies/${d}/eventSource`, message: `unknown event source "${dep.eventSource}"`, expected: `one of ${known}` });
      }
    });
    sensor.triggers.forEach((trigger, t) => {
      if (!catalog.get(trigger.workflow)) {
        const served = catalog.list().map((e) => e.spec.name).join(', ') || 'none';
        issues.push({ path: `/sensors/${i}/triggers/${t}/workflow`, message: `workflow "${trigger.workflow}" is not served by this project`, expected: `one of ${served}` });
      }
    });
  }
  return issues;
}

