// tandem validate FILE...: check every file and report every issue; exit 2 when any is invalid. A
// project file (tandem.yaml) is checked whole, as tandem serve reads it: its settings, the workflow
// files it names, its event sources and sensors and the references between them.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { SpecIssue } from '../../errors.js';
import { SpecLoadError, SpecValidationError, TandemError, formatIssue } from '../../errors.js';
import { isProjectFile, loadProject } from '../../project/load.js';
import { loadWorkflowFile } from '../../spec/index.js';
import { CONFIG_CHECKS } from '../config-checks.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { paletteFor } from '../format/color.js';
import { writeJson, writeLine, type CliIo } from '../io.js';

interface ValidateOptions {
  json?: boolean;
}

interface FileVerdict {
  file: string;
  valid: boolean;
  workflow?: string;
  tasks?: number;
  /** A valid project file: how many workflows, event sources and sensors it has. */
  project?: { workflows: number; eventSources: number; sensors: number };
  /** The file could not be read or parsed at all. */
  error?: string;
  issues: SpecIssue[];
}

export function registerValidate(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('validate')
    .description('check workflow definitions (or a project file) without running them')
    .argument('<files...>', 'workflow definitions (YAML, JSON, or TS/JS modules), or a project file (tandem.yaml)')
    .option('--json', 'print the verdicts as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem validate workflows/ingest.yaml
  $ tandem validate workflows/*.yaml --json
  $ tandem validate tandem.yaml                # the project: settings, workflows, sources, sensors

Every file is checked and every issue printed (file:line:column path: problem).
Exit status is 0 when all files are valid and 2 when any is not.`,
    )
    .action(async (files: string[], options: ValidateOptions, command: Command) => {
      const configFile = ctx.configFile(command);
      await useConfiguredLimits(ctx, command, files.some((file) => resolve(ctx.io.cwd, file) === configFile || isProjectFile(resolve(ctx.io.cwd, file))));
      setExit(await validateCommand(ctx, files, options, configFile));
    });
}

/**
 * Files are checked against the limits (limits.* in tandem.yaml) `tandem run` would apply. A
 * configuration that does not load is reported by its own verdict when it is among the files; else
 * a note says so. The default limits stand in either way.
 */
async function useConfiguredLimits(ctx: CliContext, command: Command, projectAmongFiles: boolean): Promise<void> {
  try {
    await ctx.config(command);
  } catch (error) {
    if (!(error instanceof TandemError)) throw error;
    // A project file among the files gets a verdict that lists these problems.
    if (projectAmongFiles) return;
    writeLine(ctx.io.stderr, `note: the configuration did not load (${error.message.split('\n')[0] ?? ''}); checking against the default limits`);
  }
}

/** One file's verdict; `configFile` is a project file whatever its name (--config staging.yaml). */
async function validateFile(file: string, io: Pick<CliIo, 'cwd' | 'env'>, configFile: string): Promise<FileVerdict> {
  const path = resolve(io.cwd, file);
  // Issues name the file as the user wrote it.
  const named = (issue: SpecIssue): SpecIssue => (issue.file === undefined || issue.file === path ? { ...issue, file } : issue);
  try {
    if (isProjectFile(path) || path === configFile) {
      const project = await loadProject(path, { cwd: io.cwd, env: io.env, checks: CONFIG_CHECKS });
      const counts = { workflows: project.catalog.list().length, eventSources: project.eventSources.length, sensors: project.sensors.length };
      return { file, valid: true, project: counts, issues: [] };
    }
    const { spec } = await loadWorkflowFile(path);
    return { file, valid: true, workflow: spec.name, tasks: spec.tasks.length + (spec.finally?.length ?? 0), issues: [] };
  } catch (error) {
    if (error instanceof SpecValidationError) return { file, valid: false, issues: error.issues.map(named) };
    if (error instanceof SpecLoadError) return { file, valid: false, error: error.message.split(path).join(file), issues: [] };
    throw error;
  }
}

async function validateCommand(ctx: CliContext, files: string[], options: ValidateOptions, configFile: string): Promise<number> {
  const verdicts: FileVerdict[] = [];
  for (const file of files) verdicts.push(await validateFile(file, ctx.io, configFile));
  const invalid = verdicts.filter((v) => !v.valid).length;
  if (options.json) {
    writeJson(ctx.io.stdout, verdicts);
  } else {
    const p = paletteFor(ctx.io.stdout, ctx.io.env);
    for (const verdict of verdicts) {
      if (verdict.valid) {
        writeLine(ctx.io.stdout, `${p.green('✓')} ${verdict.file} ${p.dim(`(${summary(verdict)})`)}`);
        continue;
      }
      if (verdict.error !== undefined) {
        writeLine(ctx.io.stdout, `${p.red('✗')} ${verdict.error}`);
        continue;
      }
      const count = verdict.issues.length;
      writeLine(ctx.io.stdout, `${p.red('✗')} ${verdict.file}: ${count} problem${count === 1 ? '' : 's'}`);
      for (const issue of verdict.issues) writeLine(ctx.io.stdout, `  ${formatIssue(issue)}`);
    }
    if (files.length > 1) writeLine(ctx.io.stdout, `${files.length - invalid} valid, ${invalid} invalid`);
  }
  return invalid > 0 ? EXIT.usage : EXIT.ok;
}

function summary(verdict: FileVerdict): string {
  const { project } = verdict;
  if (project === undefined) return `${verdict.workflow ?? '?'}, ${count(verdict.tasks ?? 0, 'task')}`;
  return `project: ${count(project.workflows, 'workflow')}, ${count(project.eventSources, 'event source')}, ${count(project.sensors, 'sensor')}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
