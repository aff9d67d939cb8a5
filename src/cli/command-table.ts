// Every tandem command, with what `tandem --help` lists for it and how to load it. A command's
// module (and everything it imports: the spec loader, the store, the engines, the server) is
// loaded only when that command runs or shows its own help; `tandem --version` and `tandem --help`
// load none. test/cli/lazy-commands.test.ts checks that `term` and `summary` are exactly what each
// module's registration shows, so this list cannot drift from the commands.
//
// To add a command: write its module with a register function as the others do, and add one row.
import type { Command } from 'commander';
import type { CliContext } from './context.js';

type RegisterCommand = (program: Command, ctx: CliContext, setExit: (code: number) => void) => void;

export interface CommandEntry {
  name: string;
  /** How the program's help lists it: name, ` [options]` when it has options, then its arguments. */
  term: string;
  /** Its description, as the program's help shows it. */
  summary: string;
  load(): Promise<RegisterCommand>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'run',
    term: 'run [options] <file>',
    summary: 'run a workflow on this machine and follow it until it ends',
    load: async () => (await import('./commands/run.js')).registerRun,
  },
  {
    name: 'validate',
    term: 'validate [options] <files...>',
    summary: 'check workflow definitions (or a project file) without running them',
    load: async () => (await import('./commands/validate.js')).registerValidate,
  },
  {
    name: 'route',
    term: 'route [options] [files...]',
    summary: 'show which lane (kubeflow, argo or hybrid) each workflow is routed to, and why',
    load: async () => (await import('./commands/route.js')).registerRoute,
  },
  {
    name: 'compile',
    term: 'compile [options] <files...>',
    summary: "compile workflows (and a project's event sources and sensors) to Argo, KFP and Argo Events manifests",
    load: async () => (await import('./commands/compile.js')).registerCompile,
  },
  {
    name: 'runs',
    term: 'runs [options]',
    summary: 'list runs, newest first',
    load: async () => (await import('./commands/runs.js')).registerRuns,
  },
  {
    name: 'show',
    term: 'show [options] <run>',
    summary: 'show a run: params, tasks, outputs, artifacts and where its logs are',
    load: async () => (await import('./commands/show.js')).registerShow,
  },
  {
    name: 'logs',
    term: 'logs [options] <run> [task]',
    summary: "print a run's logs: one task's, or every task's with a header per task",
    load: async () => (await import('./commands/logs.js')).registerLogs,
  },
  {
    name: 'cancel',
    term: 'cancel <run>',
    summary: 'cancel a run: running tasks are stopped, finally tasks run, the run ends Cancelled',
    load: async () => (await import('./commands/cancel.js')).registerCancel,
  },
  {
    name: 'resume',
    term: 'resume [options] [run]',
    summary: 'finish runs whose tandem process died (all of them, or one)',
    load: async () => (await import('./commands/resume.js')).registerResume,
  },
  {
    name: 'serve',
    term: 'serve [options]',
    summary: 'run the control plane: HTTP API, event sources and sensors of the project file',
    load: async () => (await import('./commands/serve.js')).registerServe,
  },
  {
    name: 'events',
    term: 'events',
    summary: 'list, show and replay received events; list dead letters; publish NATS messages and post signed webhooks',
    load: async () => (await import('./commands/events.js')).registerEvents,
  },
  {
    name: 'sensors',
    term: 'sensors [options] [sensor]',
    summary: "show the project's sensors: dependencies, the events they wait on, triggers and dead letters (from the store)",
    load: async () => (await import('./commands/sensors.js')).registerSensors,
  },
  {
    name: 'mlflow',
    term: 'mlflow',
    summary: 'mirror runs into MLflow (export) and show the state of each mirrored run (status)',
    load: async () => (await import('./commands/mlflow.js')).registerMlflow,
  },
  {
    name: 'lineage',
    term: 'lineage [options] <ref>',
    summary: 'show where an artifact came from and where it went (or the lineage of a run or task run)',
    load: async () => (await import('./commands/lineage.js')).registerLineage,
  },
  {
    name: 'compare',
    term: 'compare [options] [runs...]',
    summary: 'compare runs: params that differ and final metrics side by side, best values marked',
    load: async () => (await import('./commands/compare.js')).registerCompare,
  },
  {
    name: 'cache',
    term: 'cache',
    summary: 'list, remove and prune cached task results (tasks with a `cache` block)',
    load: async () => (await import('./commands/cache.js')).registerCache,
  },
];
