// Loads a project file (tandem.yaml) whole: its settings (config/) and its project — the workflows
// it serves, its event sources, sensors and server — every problem reported at once with the
// file, JSON path and line:column: the file's shape, bad settings and variables, routing rules,
// problems inside the workflow files it names and references between the parts (a sensor naming
// a source that does not exist, a trigger naming a workflow that is not served).
import { readFile } from 'node:fs/promises';
import { inReadingOrder } from '../config/errors.js';
import { parseTandemFile, type TandemFile } from '../config/file.js';
import { configFileOf, readConfigText, settingsIssues } from '../config/load.js';
import { resolveConfig } from '../config/resolve.js';
import { DEFAULT_HOST, DEFAULT_NAMESPACE, DEFAULT_PORT, DEFAULT_SHUTDOWN_GRACE_MS } from '../config/settings.js';
import type { ApiTokenDecl } from '../config/shapes.js';
import type { LoadConfigOptions, TandemConfig } from '../config/types.js';
import { SpecLoadError, SpecValidationError, type SpecIssue } from '../errors.js';
import type { SensorSpec } from '../events/sensors/schema.js';
import type { CronSourceConfig } from '../events/sources/cron/schema.js';
import type { NatsSourceConfig } from '../events/sources/nats/schema.js';
import type { WebhookSourceConfig } from '../events/sources/webhook/schema.js';
import { durationMs } from '../spec/duration.js';
import { errorMessage } from '../util/error-message.js';
import { WorkflowCatalog } from './catalog.js';
import { crossReferences } from './references.js';
import { parseSensors, parseSources } from './sections.js';
import { loadWorkflows } from './workflows.js';
import { useLimits } from '../util/limits.js';

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

export { DEFAULT_PORT, DEFAULT_SHUTDOWN_GRACE_MS };

/** The project of a file; its settings are checked too (with `options`' variables), since the file is read whole. */
export async function loadProject(file: string, options: LoadConfigOptions = {}): Promise<Project> {
  const reading = await readProjectFromText(file, await readProjectText(file), options);
  if (reading.project === undefined) throw new SpecValidationError(reading.issues);
  return reading.project;
}

/** A project file: tandem.yaml, or any YAML/JSON file whose name says project. */
export function isProjectFile(path: string): boolean {
  return /(^|\/)(tandem|[^/]*project)\.(ya?ml|json)$/.test(path);
}

/**
 * The configuration and the project of the same file — --config, TANDEM_CONFIG or ./tandem.yaml —
 * for `tandem serve`: one read, every problem of both in one SpecValidationError.
 */
export async function loadServedProject(options: LoadConfigOptions = {}): Promise<{ config: TandemConfig; project: Project }> {
  const reading = await readServedProject(options);
  if (reading.project === undefined) throw new SpecValidationError(reading.issues);
  return { config: reading.config, project: reading.project };
}

/** A project file read whole, its problems collected rather than thrown. */
export interface ProjectReading {
  /** The settings; where a value had a problem, the layer below (or the default) stands in. */
  config: TandemConfig;
  /** The project; undefined when any problem was found. */
  project: Project | undefined;
  /** Every problem of the settings and the project, in the file's reading order. */
  issues: SpecIssue[];
  /** Whether the settings themselves are sound, so that a command needing only them may go on. */
  settingsSound: boolean;
}

/** As loadServedProject, for a command that reports the problems itself (tandem compile of the configuration file). */
export async function readServedProject(options: LoadConfigOptions = {}): Promise<ProjectReading> {
  const full = { ...options, cwd: options.cwd ?? process.cwd(), env: options.env ?? process.env, flags: options.flags ?? {} };
  const { file, explicit } = configFileOf(full);
  // A file named on purpose and missing is a configuration error, as for every command.
  const text = explicit ? await readConfigText(file, true) : await readProjectText(file);
  return readProjectFromText(file, text ?? '', full);
}

async function readProjectText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SpecLoadError(file, code === 'ENOENT' ? 'no such file' : `cannot read: ${errorMessage(error)}`);
  }
}

async function readProjectFromText(file: string, text: string, options: LoadConfigOptions): Promise<ProjectReading> {
  const tandem = parseTandemFile(file, text);
  const { config, issues: settings } = resolveConfig(tandem, { cwd: options.cwd ?? process.cwd(), env: options.env ?? process.env, flags: options.flags ?? {}, checks: options.checks });
  // The project's workflows are checked against its own limits, as its runs will be.
  useLimits(config.limits);
  const issues = [...tandem.issues, ...settings];
  const settingsSound = settings.length === 0 && settingsIssues(tandem).length === 0;
  const project = tandem.parsed ? await projectOf(tandem, issues) : undefined;
  const sound = project !== undefined && issues.length === 0;
  return { config, project: sound ? project : undefined, issues: inReadingOrder(issues, file), settingsSound };
}

/** The project sections, each part read where its shape is sound; adds the problems found to `issues`. */
async function projectOf(tandem: TandemFile, issues: SpecIssue[]): Promise<Project> {
  const catalog = new WorkflowCatalog();
  const namespace = tandem.value('namespace') ?? DEFAULT_NAMESPACE;
  await loadWorkflows(tandem, namespace, catalog, issues);
  const eventSources = parseSources(tandem, issues);
  const sensors = parseSensors(tandem, issues);
  issues.push(...crossReferences(tandem, sensors, catalog).map((issue) => tandem.place(issue)));
  const grace = tandem.value('server.shutdownGracePeriod');
  return {
    file: tandem.file,
    dir: tandem.dir,
    catalog,
    eventSources,
    sensors: sensors.map(({ sensor }) => sensor),
    server: {
      host: tandem.value('server.host') ?? DEFAULT_HOST,
      port: tandem.value('server.port') ?? DEFAULT_PORT,
      tokens: tandem.value('server.tokens') ?? [],
      shutdownGraceMs: grace !== undefined ? durationMs(grace) : DEFAULT_SHUTDOWN_GRACE_MS,
    },
  };
}
