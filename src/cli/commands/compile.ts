// tandem compile FILE... --target argo|kfp|hybrid|argo-events|auto [-o DIR]: the manifests a
// cluster runs. Workflow files compile to Argo Workflows, KFP pipeline IR, or both (hybrid); a
// project file (tandem.yaml) compiles its workflows and, for argo-events or auto, its event
// sources and sensors. What a target cannot express is an error naming the feature, the task and
// the target: nothing is dropped silently.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { CompileError, SpecLoadError, SpecValidationError, TandemError, UsageError, formatIssue } from '../../errors.js';
import { imageRecipe, type ImageRecipe } from '../../compile/image-recipe.js';
import { foldersOf, projectLayout, type ProjectLayout } from '../../compile/layout.js';
import { compileProject, layoutOf } from '../../compile/project.js';
import { COMPILE_TARGETS, type CompileSettings, type CompileTarget, type CompiledFile } from '../../compile/targets.js';
import { compileWorkflow } from '../../compile/workflow.js';
import { ConfigError } from '../../config/errors.js';
import type { TandemConfig } from '../../config/types.js';
import { isProjectFile, loadProject, type Project, type ProjectReading } from '../../project/load.js';
import { buildPolicy } from '../../router/index.js';
import { loadWorkflowFile } from '../../spec/index.js';
import type { WorkflowSpec } from '../../spec/schema.js';
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
  tasksImage?: string;
  imageRecipe?: string;
  kfpEndpoint?: string;
  kfpPipeline?: Record<string, string>;
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
    .option('--template', 'Argo: a WorkflowTemplate instead of a Workflow (a project compiled with auto always is)')
    .option('--namespace <ns>', 'metadata.namespace of every manifest')
    .option('--image <image>', 'image of process and script tasks without one (images.default; default node:20-slim)')
    .option('--node-image <image>', 'image that runs node tasks (images.node; default node:20-slim)')
    .option('--project-dir <dir>', 'where the workflows\' folders are inside the images (default /workspace)')
    .option('--tandem-image <image>', 'image with the tandem CLI that runs the hybrid ML steps (images.tandem)')
    .option('--image-recipe <dir>', 'also write the build recipe of the task image (Dockerfile) into this directory; every task without an image then runs in it')
    .option('--tasks-image <image>', 'with --image-recipe: the name of the task image (images.tasks)')
    .option('--kfp-endpoint <url>', 'argo-events: the KFP API that kubeflow-lane triggers call')
    .addOption(new Option('--kfp-pipeline <workflow=id>', 'argo-events: the id KFP gave the uploaded pipeline of a kubeflow-lane workflow (repeatable)').argParser(pipelineId))
    .addOption(new Option('--github-org <org>', 'argo-events: GitHub organization a GitHub-style webhook receives from (repeatable)').argParser(collect))
    .option('--json', 'print what was compiled (files, kinds, lanes) and every error as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem compile examples/conditional-dag/workflow.yaml --target argo
  $ tandem compile examples/ml-training/workflow.yaml --target kfp -o build/
  $ tandem compile examples/hybrid/workflow.yaml --target hybrid -o build/ --image-recipe build/image
  $ tandem compile examples/*/workflow.yaml -o build/          # auto: each workflow to its lane's target
  $ tandem compile tandem.yaml --kfp-endpoint http://ml-pipeline:8888 --kfp-pipeline ml-training=<id> -o build/

auto routes each workflow (see tandem route --explain): argo lane -> Argo Workflow, kubeflow lane
-> KFP IR, hybrid -> an Argo Workflow whose ML steps start KFP pipelines, plus their IR. A project
compiled with auto also gets its event sources and sensors and a kustomization.yaml (kubectl apply -k).
A feature a target cannot express is an error naming it (see docs/compile.md). Exit status: 0 when
everything compiled, 2 when any file is invalid or cannot be expressed.`,
    )
    .action(async (files: string[], options: CompileOptions, command: Command) => {
      const { config, own } = await settingsFor(ctx, command, files);
      const settings = settingsFrom(options, config, buildPolicy(config.routing));
      const failures: Failure[] = [];
      const inputs: Input[] = [];
      for (const file of files) {
        try {
          inputs.push(await loadInput(resolve(ctx.io.cwd, file), file, options.target, ctx.io, own));
        } catch (error) {
          failures.push({ file, error: describe(error, file) });
        }
      }
      const layout = projectLayout(inputs.flatMap(foldersOfInput), settings.containerRoot);
      const result: Compiled = { files: [], warnings: [], notes: [] };
      for (const input of inputs) {
        try {
          await compileInput(input, options.target, settings, layout, result, failures);
        } catch (error) {
          failures.push({ file: input.label, error: describe(error, input.label) });
        }
      }
      const recipe = options.imageRecipe !== undefined ? imageRecipe(layout, result.files, { tandem: config.images.tandem, tasks: settings.tandemImage! }, options.imageRecipe) : undefined;
      if (recipe) {
        writeRecipe(resolve(ctx.io.cwd, options.imageRecipe!), recipe);
        result.notes.push(`image recipe in ${options.imageRecipe}: ${recipe.buildCommand}`);
        for (const name of recipe.undeclared) result.warnings.push(`image recipe: ${name} is imported but declared in no package.json above the project; the image installs its latest version`);
      }
      report(ctx, options, result, failures);
      setExit(failures.length > 0 ? EXIT.usage : EXIT.ok);
    });
}

/** What the files given on the command line hold, loaded before anything is compiled (their folders make one layout). */
type Input = { label: string; kind: 'project'; project: Project } | { label: string; kind: 'workflow'; spec: WorkflowSpec; baseDir: string };

interface Compiled {
  files: CompiledFile[];
  warnings: string[];
  notes: string[];
}

async function loadInput(path: string, label: string, target: CompileTarget, io: Pick<CliIo, 'cwd' | 'env'>, own: OwnProject | undefined): Promise<Input> {
  if (isProjectFile(path) || path === own?.path) {
    const project = path === own?.path ? projectOf(own.reading) : await loadProject(path, { cwd: io.cwd, env: io.env, checks: CONFIG_CHECKS });
    return { label, kind: 'project', project };
  }
  if (target === 'argo-events') throw new UsageError(`${path}: --target argo-events compiles a project file (tandem.yaml with eventSources and sensors), not a workflow`);
  const { spec, baseDir } = await loadWorkflowFile(path);
  return { label, kind: 'workflow', spec, baseDir };
}

function foldersOfInput(input: Input): string[] {
  return input.kind === 'workflow' ? foldersOf(input.spec, input.baseDir) : layoutOf(input.project, undefined).folders;
}

async function compileInput(input: Input, target: CompileTarget, settings: CompileSettings, layout: ProjectLayout, into: Compiled, failures: Failure[]): Promise<void> {
  if (input.kind === 'workflow') {
    into.files.push(...(await compileWorkflow(input.spec, input.baseDir, target as Exclude<CompileTarget, 'argo-events'>, settings, layout)));
    return;
  }
  const out = await compileProject(input.project, target, settings, layout);
  into.files.push(...out.files);
  into.warnings.push(...out.warnings);
  into.notes.push(...out.notes);
  for (const failure of out.failures) failures.push({ file: input.label, error: `${input.label}: ${failure.error.message}` });
}

function writeRecipe(dir: string, recipe: ImageRecipe): void {
  for (const file of recipe.files) {
    const path = join(dir, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
  }
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

function pipelineId(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const match = /^([^=\s]+)=(\S+)$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected WORKFLOW=PIPELINE_ID, e.g. ml-training=6f1c...');
  return { ...previous, [match[1]!]: match[2]! };
}

/**
 * The compilers' settings from the flags over tandem.yaml's `images` section. With an image
 * recipe, the task image it builds holds everything (Node.js, tsx, tandem, the project's files),
 * so every task without an image of its own runs in it, the hybrid steps too.
 */
function settingsFrom(options: CompileOptions, config: TandemConfig, policy: CompileSettings['policy']): CompileSettings {
  const recipe = options.imageRecipe !== undefined;
  const tasksImage = options.tasksImage ?? config.images.tasks;
  const defaultImage = recipe ? tasksImage : (options.image ?? config.images.default);
  const nodeImage = recipe ? tasksImage : (options.nodeImage ?? config.images.node);
  const tandemImage = recipe ? tasksImage : (options.tandemImage ?? config.images.tandem);
  return {
    argo: {
      defaultImage,
      nodeImage,
      ...(options.template ? { kind: 'WorkflowTemplate' as const } : {}),
      ...(options.namespace ? { namespace: options.namespace } : {}),
      // tandem.yaml's artifact repository; without it Argo's default one.
      ...(config.artifacts ? { artifacts: config.artifacts } : {}),
    },
    kfp: { defaultImage, nodeImage },
    tandemImage,
    ...(options.projectDir ? { containerRoot: options.projectDir } : {}),
    ...(options.kfpEndpoint ? { kfpEndpoint: options.kfpEndpoint } : {}),
    ...(options.kfpPipeline ? { kfpPipelineIds: options.kfpPipeline } : {}),
    ...(options.githubOrg?.length ? { github: { organizations: options.githubOrg } } : {}),
    policy,
  };
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

function report(ctx: CliContext, options: CompileOptions, compiled: Compiled, failures: Failure[]): void {
  const { stdout, stderr } = ctx.io;
  const { files, warnings, notes } = compiled;
  if (options.out) {
    mkdirSync(options.out, { recursive: true });
    for (const file of files) writeFileSync(join(options.out, file.name), file.yaml);
  }
  if (options.json) {
    writeJson(stdout, {
      files: files.map(({ yaml, applies: _applies, startedFromImage: _startedFromImage, ...rest }) => ({ ...rest, ...(options.out ? { path: join(options.out, rest.name) } : { yaml }) })),
      errors: failures,
      warnings,
      notes,
    });
    return;
  }
  const p = paletteFor(stderr, ctx.io.env);
  if (options.out) {
    if (files.length > 0) {
      const rows = files.map((f) => [join(options.out!, f.name), f.kind, f.lane ?? '-', f.source]);
      writeLine(stdout, formatTable([{ header: 'FILE' }, { header: 'KIND' }, { header: 'LANE' }, { header: 'FROM' }], rows));
    }
  } else {
    files.forEach((file, i) => stdout.write(`${i > 0 ? '---\n' : ''}# ${file.name}\n${file.yaml.endsWith('\n') ? file.yaml : `${file.yaml}\n`}`));
  }
  for (const note of notes) writeLine(stderr, `${p.dim('i')} ${note}`);
  for (const warning of warnings) writeLine(stderr, `${p.yellow('!')} ${warning}`);
  for (const failure of failures) writeLine(stderr, `${p.red('✗')} ${failure.error}`);
}
