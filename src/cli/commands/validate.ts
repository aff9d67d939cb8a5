// tandem validate FILE...: check every file and report every issue; exit 2 when any is invalid.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { SpecIssue } from '../../errors.js';
import { SpecLoadError, SpecValidationError, formatIssue } from '../../errors.js';
import { loadWorkflowFile } from '../../spec/index.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { paletteFor } from '../format/color.js';
import { writeJson, writeLine } from '../io.js';

interface ValidateOptions {
  json?: boolean;
}

export interface FileVerdict {
  file: string;
  valid: boolean;
  workflow?: string;
  tasks?: number;
  /** The file could not be read or parsed at all. */
  error?: string;
  issues: SpecIssue[];
}

export function registerValidate(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('validate')
    .description('check workflow definitions without running them')
    .argument('<files...>', 'workflow definitions (YAML, JSON, or TS/JS modules)')
    .option('--json', 'print the verdicts as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem validate workflows/ingest.yaml
  $ tandem validate workflows/*.yaml --json

Every file is checked and every issue printed (file:line:column path: problem).
Exit status is 0 when all files are valid and 2 when any is not.`,
    )
    .action(async (files: string[], options: ValidateOptions) => {
      setExit(await validateCommand(ctx, files, options));
    });
}

export async function validateFile(file: string, cwd: string): Promise<FileVerdict> {
  const path = resolve(cwd, file);
  // Issues name the file as the user wrote it.
  const named = (issue: SpecIssue): SpecIssue => (issue.file === undefined || issue.file === path ? { ...issue, file } : issue);
  try {
    const { spec } = await loadWorkflowFile(path);
    return { file, valid: true, workflow: spec.name, tasks: spec.tasks.length + (spec.finally?.length ?? 0), issues: [] };
  } catch (error) {
    if (error instanceof SpecValidationError) return { file, valid: false, issues: error.issues.map(named) };
    if (error instanceof SpecLoadError) return { file, valid: false, error: error.message.split(path).join(file), issues: [] };
    throw error;
  }
}

async function validateCommand(ctx: CliContext, files: string[], options: ValidateOptions): Promise<number> {
  const verdicts: FileVerdict[] = [];
  for (const file of files) verdicts.push(await validateFile(file, ctx.io.cwd));
  const invalid = verdicts.filter((v) => !v.valid).length;
  if (options.json) {
    writeJson(ctx.io.stdout, verdicts);
  } else {
    const p = paletteFor(ctx.io.stdout, ctx.io.env);
    for (const verdict of verdicts) {
      if (verdict.valid) {
        writeLine(ctx.io.stdout, `${p.green('✓')} ${verdict.file} ${p.dim(`(${verdict.workflow ?? '?'}, ${verdict.tasks ?? 0} tasks)`)}`);
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
