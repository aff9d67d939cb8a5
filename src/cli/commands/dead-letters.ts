// tandem events dead-letters: the triggers that failed for good (retries spent), newest first,
// read from the store as `tandem events list` reads events: no server needed. With --namespace,
// only the dead letters of triggers whose workflow the project serves in that namespace.
import type { Command } from 'commander';
import { Option } from 'commander';
import type { DeadLetterRecord } from '../../store/ports/dead-letters.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { formatTimestamp } from '../format/duration.js';
import { formatTable } from '../format/table.js';
import { writeJson, writeLine } from '../io.js';
import { withStore } from '../runtime.js';
import { sensorNamespaces } from '../sensor-namespaces.js';
import { positiveInt } from './options.js';

const DEFAULT_LIMIT = 20;
/** The first line of an error, at most this long, in the table (--json has it whole). */
const ERROR_WIDTH = 100;

interface DeadLetterOptions {
  sensor?: string;
  namespace?: string;
  limit: number;
  json?: boolean;
}

type SetExit = (code: number) => void;

export function registerDeadLetters(events: Command, ctx: CliContext, setExit: SetExit): void {
  events
    .command('dead-letters')
    .description('list triggers that failed for good (their retries spent), newest first (from the store)')
    .option('--sensor <name>', 'only dead letters of this sensor')
    .option('--namespace <ns>', "only triggers whose workflow is served in this namespace (reads the project's tandem.yaml)")
    .addOption(new Option('--limit <n>', 'at most this many').argParser(positiveInt('--limit')).default(DEFAULT_LIMIT))
    .option('--json', 'print the dead letters as JSON, errors whole')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem events dead-letters
  $ tandem events dead-letters --sensor on-upload --limit 5
  $ tandem events dead-letters --namespace team-a --json | jq '.[0].error'

A dead letter names the events that fired the trigger: \`tandem events show EVENT\` shows one, and
\`tandem events replay EVENT\` offers it to the running server again once the cause is fixed.`,
    )
    .action(async (options: DeadLetterOptions, command: Command) => {
      const letters = options.namespace === undefined ? await allLetters(ctx, command, options) : await lettersIn(ctx, command, options.namespace, options);
      if (options.json) writeJson(ctx.io.stdout, letters.map((letter) => ({ ...letter, time: new Date(letter.time).toISOString() })));
      else if (letters.length === 0) writeLine(ctx.io.stdout, 'no dead letters');
      else {
        const columns = [{ header: 'ID', align: 'right' as const }, { header: 'SENSOR' }, { header: 'TRIGGER' }, { header: 'TIME' }, { header: 'ATTEMPTS', align: 'right' as const }, { header: 'EVENTS' }, { header: 'ERROR' }];
        const rows = letters.map((l) => [String(l.id), l.sensor, l.trigger, formatTimestamp(l.time), String(l.attempts), l.eventIds.join(','), firstLine(l.error)]);
        writeLine(ctx.io.stdout, formatTable(columns, rows));
      }
      setExit(EXIT.ok);
    });
}

async function allLetters(ctx: CliContext, command: Command, options: DeadLetterOptions): Promise<DeadLetterRecord[]> {
  const config = await ctx.config(command);
  return withStore(ctx.services, config, (store) => store.listDeadLetters({ limit: options.limit, ...(options.sensor !== undefined ? { sensor: options.sensor } : {}) }));
}

/** The namespace of a trigger is its workflow's, as the project serves it: the project is read. */
async function lettersIn(ctx: CliContext, command: Command, namespace: string, options: DeadLetterOptions): Promise<DeadLetterRecord[]> {
  const { config, project } = await ctx.project(command);
  const namespaces = sensorNamespaces(project);
  const sensors = project.sensors.map((s) => s.name).filter((name) => (options.sensor === undefined || name === options.sensor) && namespaces.ofSensor(name).includes(namespace));
  const found = await withStore(ctx.services, config, async (store) => (await Promise.all(sensors.map((sensor) => store.listDeadLetters({ sensor, limit: options.limit })))).flat());
  return found
    .filter((letter) => namespaces.ofTrigger(letter.sensor, letter.trigger) === namespace)
    .sort((a, b) => b.id - a.id)
    .slice(0, options.limit);
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > ERROR_WIDTH ? `${line.slice(0, ERROR_WIDTH - 1)}…` : line;
}
