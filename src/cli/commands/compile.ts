// tandem compile FILE... --target argo|kfp|hybrid|argo-events|auto [-o DIR]: the manifests a
// cluster runs. Workflow files compile to Argo Workflows, KFP pipeline IR, or both (hybrid); a
// project file (tandem.yaml) compiles its workflows and, for argo-events or auto, its event
// sources and sensors. What a target cannot express is an error naming the feature, the task and
// the target: nothing is dropped silently.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { CompileError, SpecLoadError, SpecValidationError, TandemError, UsageError, formatIssue } from '../../errors.js';
import { compileProjectEvents } from '../../compile/project-events.js';
import { COMPILE_TARGETS, type CompileSettings, type CompileTarget, type CompiledFile } from '../../compile/targets.js';
import { compileWorkflow } from '../../compile/workflow.js';
import { ConfigError } from '../../config/errors.js';
import type { TandemConfig } from '../../config/types.js';
import { isProjectFile, loadProject, type Project, type ProjectReading } from '../../project/load.js';
import { buildPolicy } from '../../router/index.js';
import { loadWorkflowFile } from '../../spec/index.js';
import { CONFIG_CHECKS } from '../config-checks.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { paletteFor } from '../format/color.js';
import { formatTable } from '../format/table.js';
import { writeJson, writeLine, type CliIo } from '../io.js';

interface CompileOptions {
  target: CompileTarget;
  out?: string;
  template?: boolean;
  namespace?: string;
  image?: string;
  nodeImage?: string;
  projectDir?: string;
  tandemImage?: string;
  kfpEndpoint?: string;
  githubOrg?: string[];
  json?: boolean;
}

interface Failure {
  file: string;
  error: string;
}

export function registerCompile(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('compile')
    .description('compile workflows (and a project\'s event sources and sensors) to Argo, KFP and Argo Events manifests')
    .argument('<files...>', 'workflow files, or a project file (tandem.yaml)')
    .addOption(new Option('--target <target>', 'what to produce').choices(COMPILE_TARGETS).default('auto'))
    .option('-o, --out <dir>', 'write one file per manifest into this directory (default: YAML documents on stdout)')
    .option('--template', 'Argo: a WorkflowTemplate instead of a Workflow')
    .option('--namespace <ns>', 'metadata.namespace of every manifest')
    .option('--image <image>', 'image of process and script tasks without one (Argo default alpine:3.20)')
    .option('--node-image <image>', 'image that runs node tasks (default node:20-slim)')
    .option('--project-dir <dir>', 'where the workflow\'s folder is inside the images (default /workspace)')
    .option('--tandem-image <image>', 'hybrid: image with the tandem CLI that starts the KFP pipelines')
    .option('--kfp-endpoint <url>', 'argo-events: the KFP API that kubeflow-lane triggers call')
    .addOption(new Option('--github-org <org>', 'argo-events: GitHub organization a GitHub-style webhook receives from (repeatable)').argParser(collect))
    .option('--json', 'print what was compiled (files, kinds, lanes) and every error as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem compile examples/conditional-dag/workflow.yaml --target argo
  $ tandem compile examples/ml-training/workflow.yaml --target kfp -o build/
  $ tandem compile examples/hybrid/workflow.yaml --target hybrid -o build/
  $ tandem compile examples/*/workflow.yaml -o build/          # auto: each workflow to its lane's target
  $ tandem compile tandem.yaml --target argo-events --kfp-endpoint http://ml-pipeline:8888 -o build/

auto routes each workflow (see tandem route --explain): argo lane -> Argo Workflow, kubeflow lane
-> KFP IR, hybrid -> an Argo Workflow whose ML steps start KFP pipelines, plus their IR.
A feature a target cannot express is an error naming it (see docs/compile.md). Exit status: 0 when
everything compiled, 2 when any file is invalid or cannot be expressed.`,
    )
    .action(async (files: string[], options: CompileOptions, command: Command) => {
      const { config, own } = await settingsFor(ctx, command, files);
      const settings = settingsFrom(options, buildPolicy(config.routing), config);
      const compiled: CompiledFile[] = [];
      const failures: Failure[] = [];
      const warnings: string[] = [];
      for (const file of files) {
        try {
          const result = await compileFile(resolve(ctx.io.cwd, file), options.target, settings, ctx.io, own);
          compiled.push(...result.files);
          warnings.push(...result.warnings);
        } catch (error) {
          failures.push({ file, error: describe(error, file) });
        }
      }
      report(ctx, options, compiled, failures, warnings);
      setExit(failures.length > 0 ? EXIT.usage : EXIT.ok);
    });
}

/** The configuration file, read once as the settings and as a project, when it is also compiled. */
interface OwnProject {
  path: string;
  reading: ProjectReading;
}

/**
 * The settings that route the workflows. When the configuration file is itself one of the project
 * files compiled, it is read once for both, so that a mistake in its settings is reported together
 * with every problem of its project rather than before them.
 */
async function settingsFor(ctx: CliContext, command: Command, files: readonly string[]): Promise<{ config: TandemConfig; own?: OwnProject }> {
  const path = ctx.configFile(command);
  // The configuration file is a project file whatever its name (--config staging.yaml).
  const compiled = existsSync(path) && files.some((file) => resolve(ctx.io.cwd, file) === path);
  if (!compiled) return { config: await ctx.config(command) };
  const reading = await ctx.readProject(command);
  // Without sound settings no file can be compiled: the whole command fails, as it does when only the settings are read.
  if (!reading.settingsSound) throw new ConfigError(reading.issues);
  return { config: reading.config, own: { path, reading } };
}

function collect(value: string, previous: string[] | undefined): string[] {
  if (value.trim() === '') throw new InvalidArgumentError('expected an organization name');
  return [...(previous ?? []), value];
}

function settingsFrom(options: CompileOptions, policy: CompileSettings['policy'], config: TandemConfig): CompileSettings {
  const common = {
    ...(options.nodeImage ? { nodeImage: options.nodeImage } : {}),
    ...(options.projectDir ? { projectDir: options.projectDir } : {}),
  };
  return {
    argo: {
      ...common,
      ...(options.template ? { kind: 'WorkflowTemplate' as const } : {}),
      ...(options.namespace ? { namespace: options.namespace } : {}),
      ...(options.image ? { defaultImage: options.image } : {}),
      // tandem.yaml's artifact repository; without it Argo's default one.
      ...(config.artifacts ? { artifacts: config.artifacts } : {}),
    },
    // KFP has no default image of its own: the Argo default keeps the two targets alike.
    kfp: { ...common, defaultImage: options.image ?? 'alpine:3.20' },
    ...(options.tandemImage ? { tandemImage: options.tandemImage } : {}),
    ...(options.kfpEndpoint ? { kfpEndpoint: options.kfpEndpoint } : {}),
    ...(options.githubOrg?.length ? { github: { organizations: options.githubOrg } } : {}),
    policy,
  };
}

async function compileFile(
  path: string,
  target: CompileTarget,
  settings: CompileSettings,
  io: Pick<CliIo, 'cwd' | 'env'>,
  own: OwnProject | undefined,
): Promise<{ files: CompiledFile[]; warnings: string[] }> {
  if (isProjectFile(path) || path === own?.path) {
    const project = path === own?.path ? projectOf(own.reading) : await loadProject(path, { cwd: io.cwd, env: io.env, checks: CONFIG_CHECKS });
    const files: CompiledFile[] = [];
    if (target !== 'argo-events') {
      for (const entry of project.catalog.list()) files.push(...(await compileWorkflow(entry.spec, entry.baseDir, target, settings)));
    }
    if (target !== 'argo-events' && target !== 'auto') return { files, warnings: [] };
    const events = await compileProjectEvents(project, settings);
    return { files: [...files, events.file], warnings: events.warnings };
  }
  if (target === 'argo-events') throw new UsageError(`${path}: --target argo-events compiles a project file (tandem.yaml with eventSources and sensors), not a workflow`);
  const { spec, baseDir } = await loadWorkflowFile(path);
  return { files: await compileWorkflow(spec, baseDir, target, settings), warnings: [] };
}

function projectOf(reading: ProjectReading): Project {
  if (reading.project === undefined) throw new SpecValidationError(reading.issues);
  return reading.project;
}

function describe(error: unknown, file: string): string {
  if (error instanceof SpecValidationError) return `${file}: invalid:\n${error.issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`;
  if (error instanceof CompileError || error instanceof SpecLoadError || error instanceof TandemError) return `${file}: ${error.message}`;
  throw error;
}

function report(ctx: CliContext, options: CompileOptions, compiled: CompiledFile[], failures: Failure[], warnings: string[]): void {
  const { stdout, stderr } = ctx.io;
  if (options.out) {
    mkdirSync(options.out, { recursive: true });
    for (const file of compiled) writeFileSync(join(options.out, file.name), file.yaml);
  }
  if (options.json) {
    writeJson(stdout, {
      files: compiled.map(({ yaml, ...rest }) => ({ ...rest, ...(options.out ? { path: join(options.out, rest.name) } : { yaml }) })),
      errors: failures,
      warnings,
    });
    return;
  }
  const p = paletteFor(stderr, ctx.io.env);
  if (options.out) {
    if (compiled.length > 0) {
      const rows = compiled.map((f) => [join(options.out!, f.name), f.kind, f.lane ?? '-', f.source]);
      writeLine(stdout, formatTable([{ header: 'FILE' }, { header: 'KIND' }, { header: 'LANE' }, { header: 'FROM' }], rows));
    }
  } else {
    compiled.forEach((file, i) => stdout.write(`${i > 0 ? '---\n' : ''}# ${file.name}\n${file.yaml.endsWith('\n') ? file.yaml : `${file.yaml}\n`}`));
  }
  for (const warning of warnings) writeLine(stderr, `${p.yellow('!')} ${warning}`);
  for (const failure of failures) writeLine(stderr, `${p.red('✗')} ${failure.error}`);
}
