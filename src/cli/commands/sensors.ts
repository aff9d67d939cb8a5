// tandem sensors [NAME]: the project's sensors (tandem.yaml) and what the store holds for each:
// the events a sensor with several dependencies is waiting on (the state `tandem serve` saves so
// a restart resumes it, with how often it fired), its triggers and its dead letters. Read from the store as
// `tandem events list` is: no server needed, and the same answer whether one is running or not.
import type { Command } from 'commander';
import { NotFoundError } from '../../errors.js';
import type { SensorSpec } from '../../events/sensors/schema.js';
import { SensorState, type DependencySeen } from '../../events/sensors/state.js';
import type { Project } from '../../project/load.js';
import type { DeadLetterRecord } from '../../store/ports/dead-letters.js';
import type { Store } from '../../store/store.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { formatTimestamp } from '../format/duration.js';
import { formatTable } from '../format/table.js';
import { writeJson, writeLine } from '../io.js';
import { withStore } from '../runtime.js';
import { sensorNamespaces } from '../sensor-namespaces.js';

interface SensorsOptions {
  namespace?: string;
  json?: boolean;
}

interface DependencyReport {
  name: string;
  eventSource: string;
  /** Holding an event that satisfied it, waiting for the rest of the condition. */
  satisfied: boolean;
  /** The last event offered to it (saved by sensors with several dependencies). */
  lastSeen?: DependencySeen;
}

interface SensorReport {
  name: string;
  namespaces: string[];
  dependencies: DependencyReport[];
  triggers: Array<{ name: string; workflow: string; namespace: string }>;
  /** What the store holds for it: saved by sensors with several dependencies only. */
  saved?: { fired: number; lastFiredAt?: string; lastResetAt?: string; updatedAt: string };
  /** A saved state that no longer reads (the sensor was edited beyond it). */
  savedStateError?: string;
  deadLetters: { count: number; latest?: { id: number; trigger: string; time: string; error: string } };
}

/** Dead letters counted per sensor at most; more shows as "500+". */
const DEAD_LETTER_COUNT_LIMIT = 500;

type SetExit = (code: number) => void;

export function registerSensors(program: Command, ctx: CliContext, setExit: SetExit): void {
  program
    .command('sensors')
    .description("show the project's sensors: dependencies, the events they wait on, triggers and dead letters (from the store)")
    .argument('[sensor]', 'only this sensor')
    .option('--namespace <ns>', 'only sensors with a trigger whose workflow is served in this namespace')
    .option('--json', 'print the sensors as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem sensors
  $ tandem sensors on-upload
  $ tandem sensors --namespace team-a --json | jq '.[].dependencies'

The sensors are the project's (tandem.yaml, or --config); what they hold comes from the store
that \`tandem serve\` writes. A sensor with one dependency fires on each event and holds nothing;
one with several holds the events that satisfied some of them until the condition is met.
\`tandem events dead-letters\` lists the triggers that failed for good.`,
    )
    .action(async (name: string | undefined, options: SensorsOptions, command: Command) => {
      const { config, project } = await ctx.project(command);
      const namespaces = sensorNamespaces(project);
      let sensors = project.sensors.filter((sensor) => options.namespace === undefined || namespaces.ofSensor(sensor.name).includes(options.namespace));
      if (name !== undefined) {
        sensors = sensors.filter((sensor) => sensor.name === name);
        if (sensors.length === 0) throw new NotFoundError('sensor', name);
      }
      const reports = await withStore(ctx.services, config, (store) => Promise.all(sensors.map((sensor) => sensorReport(store, project, sensor))));
      if (options.json) writeJson(ctx.io.stdout, reports);
      else if (reports.length === 0) writeLine(ctx.io.stdout, options.namespace !== undefined ? `no sensors in namespace ${options.namespace}` : 'no sensors');
      else for (const line of formatSensors(reports)) writeLine(ctx.io.stdout, line);
      setExit(EXIT.ok);
    });
}

async function sensorReport(store: Store, project: Project, sensor: SensorSpec): Promise<SensorReport> {
  const [saved, letters] = await Promise.all([store.loadSensorState(sensor.name), store.listDeadLetters({ sensor: sensor.name, limit: DEAD_LETTER_COUNT_LIMIT })]);
  const report: SensorReport = {
    name: sensor.name,
    namespaces: sensorNamespaces(project).ofSensor(sensor.name),
    dependencies: sensor.dependencies.map((dep) => ({ name: dep.name, eventSource: dep.eventSource, satisfied: false })),
    triggers: sensor.triggers.map((t) => ({ name: t.name, workflow: t.workflow, namespace: project.catalog.namespaceOf(t.workflow) })),
    deadLetters: deadLetterSummary(letters),
  };
  if (saved) {
    try {
      const snapshot = SensorState.fromJSON(sensor, saved.snapshot).toJSON();
      const satisfied = new Set(Object.keys(snapshot.events));
      for (const dep of report.dependencies) {
        dep.satisfied = satisfied.has(dep.name);
        const seen = snapshot.seen[dep.name];
        if (seen) dep.lastSeen = seen;
      }
      report.saved = {
        fired: snapshot.fired,
        ...(snapshot.lastFiredAt !== undefined ? { lastFiredAt: snapshot.lastFiredAt } : {}),
        ...(snapshot.lastResetAt !== undefined ? { lastResetAt: snapshot.lastResetAt } : {}),
        updatedAt: new Date(saved.updatedAt).toISOString(),
      };
    } catch (error) {
      report.savedStateError = error instanceof Error ? error.message : String(error);
    }
  }
  return report;
}

function deadLetterSummary(letters: readonly DeadLetterRecord[]): SensorReport['deadLetters'] {
  const latest = letters[0];
  if (!latest) return { count: 0 };
  return { count: letters.length, latest: { id: latest.id, trigger: latest.trigger, time: new Date(latest.time).toISOString(), error: latest.error } };
}

function formatSensors(reports: readonly SensorReport[]): string[] {
  const lines: string[] = [];
  for (const report of reports) {
    if (lines.length > 0) lines.push('');
    lines.push(`sensor ${report.name}${report.namespaces.length > 0 ? `  (namespace ${report.namespaces.join(', ')})` : ''}`);
    const waiting = report.dependencies.length > 1;
    // HOLDING only where there is something to hold: a sensor with one dependency fires at once.
    const columns = [{ header: 'DEPENDENCY' }, { header: 'SOURCE' }, ...(waiting ? [{ header: 'HOLDING' }] : []), { header: 'LAST EVENT' }];
    const rows = report.dependencies.map((dep) => [dep.name, dep.eventSource, ...(waiting ? [dep.satisfied ? 'yes' : 'no'] : []), lastSeen(dep.lastSeen)]);
    lines.push(...indent(formatTable(columns, rows)));
    if (report.saved) {
      const fired = `fired ${report.saved.fired} time${report.saved.fired === 1 ? '' : 's'}${report.saved.lastFiredAt ? `, last ${formatTimestamp(Date.parse(report.saved.lastFiredAt))}` : ''}`;
      lines.push(`  state     ${fired}; saved ${formatTimestamp(Date.parse(report.saved.updatedAt))}`);
    } else if (report.savedStateError) lines.push(`  state     unreadable, dropped at the next start: ${report.savedStateError}`);
    else if (waiting) lines.push('  state     none saved yet (no event has matched a dependency)');
    for (const t of report.triggers) lines.push(`  trigger   ${t.name} → ${t.workflow} (${t.namespace})`);
    const { count, latest } = report.deadLetters;
    if (latest) {
      const total = count >= DEAD_LETTER_COUNT_LIMIT ? `${DEAD_LETTER_COUNT_LIMIT}+` : String(count);
      lines.push(`  dead      ${total}, latest #${latest.id} (${latest.trigger}, ${formatTimestamp(Date.parse(latest.time))}): ${latest.error.split('\n')[0] ?? ''}`);
      lines.push(`            tandem events dead-letters --sensor ${report.name}`);
    } else lines.push('  dead      none');
  }
  return lines;
}

function lastSeen(seen: DependencySeen | undefined): string {
  if (!seen) return '-';
  return `${seen.sourceName}/${seen.id} at ${formatTimestamp(Date.parse(seen.at))}${seen.ok ? '' : ` (did not match${seen.reason ? `: ${seen.reason}` : ''})`}`;
}

function indent(block: string): string[] {
  return block.split('\n').map((line) => `  ${line}`);
}
