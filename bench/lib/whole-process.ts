// Whole processes timed from spawn to exit: `tandem run FILE` (the built CLI), `make -jN` over a
// Makefile of the same tasks, and any shell script. Each is started by this benchmark process and
// its output read from a pipe, as a CI job would; a non-zero exit fails the benchmark loudly.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkflowSpec } from '../../src/spec/schema.js';
import { timeMs } from './harness.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** BENCH_CLI times another build's bin/tandem.js (say, a checkout of the previous commit) instead of this one's. */
const CLI = process.env['BENCH_CLI'] !== undefined && process.env['BENCH_CLI'] !== '' ? resolve(process.env['BENCH_CLI']) : join(ROOT, 'bin', 'tandem.js');

/** A CLI to time: this build's, or one named in BENCH_CLI_ALSO. */
export interface Cli {
  label: string;
  path: string;
}

export const MAIN_CLI: Cli = { label: 'tandem run', path: CLI };

/**
 * BENCH_CLI_ALSO=label=path[,label=path...]: more builds' bin/tandem.js timed in the same run,
 * interleaved with the others, so a before/after comparison shares the machine's load.
 */
export function otherClis(): Cli[] {
  const raw = process.env['BENCH_CLI_ALSO'] ?? '';
  return raw
    .split(',')
    .filter((entry) => entry.trim() !== '')
    .map((entry) => {
      const at = entry.indexOf('=');
      if (at <= 0) throw new Error(`BENCH_CLI_ALSO: expected label=path, found ${JSON.stringify(entry)}`);
      return { label: entry.slice(0, at).trim(), path: resolve(entry.slice(at + 1).trim()) };
    });
}

/** Directories made by this benchmark, removed when it exits (not between measurements: see engine.ts). */
const made: string[] = [];
process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** The CLI runs from dist/ (bin/tandem.js imports it); a stale or missing build would time the wrong code. */
export function requireBuiltCli(cli: Cli): void {
  const built = join(dirname(cli.path), '..', 'dist', 'src', 'cli', 'main.js');
  if (!existsSync(built)) throw new Error(`bench/cli-run times the built CLI (${cli.path}), but ${built} is missing: run \`npm run build\` first`);
}

/** The workflow as YAML, the way a user writes it: one block per task, dependencies as a flow list. */
export function workflowYaml(spec: WorkflowSpec): string {
  const lines = [`name: ${spec.name}`, 'tasks:'];
  for (const task of spec.tasks) {
    lines.push(`  - name: ${task.name}`, '    process:', `      command: ${String(task.process?.command)}`);
    if (task.dependsOn !== undefined && task.dependsOn.length > 0) lines.push(`    dependsOn: [${task.dependsOn.join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

/** The same tasks as make targets: each a phony target whose recipe is the task's command. */
export function makefile(spec: WorkflowSpec): string {
  const names = spec.tasks.map((t) => t.name);
  const lines = [`.PHONY: all ${names.join(' ')}`, `all: ${names.join(' ')}`];
  for (const task of spec.tasks) lines.push(`${task.name}: ${(task.dependsOn ?? []).join(' ')}`.trimEnd(), `\t${String(task.process?.command)}`);
  return `${lines.join('\n')}\n`;
}

/** Writes `text` to a new file in `dir`; returns its path. */
export function writeIn(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdoutBytes: number;
  stderr: string;
}

/** Runs a command to its exit, draining its output; rejects (naming the command and its stderr) unless it exits 0. */
function runToExit(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdoutBytes = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdoutBytes += chunk.length));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      const exit = { code, signal, stdoutBytes, stderr };
      if (code === 0) resolve(exit);
      else reject(new Error(`${command} ${args.join(' ')} ended with ${signal ?? `exit code ${String(code)}`}\n${stderr.slice(0, 2000)}`));
    });
  });
}

/** The environment without TANDEM_* settings of the caller's shell, so every run sees the same defaults. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('TANDEM_')) env[key] = value;
  return { ...env, ...extra };
}

/** `node bin/tandem.js run FILE --concurrency N` with a fresh TANDEM_HOME, in the file's directory (no tandem.yaml there). */
/**
 * Preloaded into each timed `tandem run`: at exit, it writes the process's CPU time (user + system,
 * all its threads, not its children) to BENCH_CPU_FILE. Wall time on a loaded machine mostly
 * measures waiting for a core; the CPU the CLI itself spends moves much less with the load.
 */
const REPORT_CPU = `data:text/javascript,${encodeURIComponent(
  "import{writeFileSync}from'node:fs';const f=process.env.BENCH_CPU_FILE;if(f)process.on('exit',()=>{const u=process.cpuUsage();writeFileSync(f,String((u.user+u.system)/1000))});",
)}`;

/**
 * `node bin/tandem.js run FILE --concurrency N` with a fresh TANDEM_HOME, in the file's directory
 * (no tandem.yaml there). Resolves with the wall time; pushes the CLI process's CPU ms to `cpu`.
 */
export async function timeTandemRun(cli: Cli, file: string, concurrency: number, cpu?: number[]): Promise<number> {
  const home = tempDir('tandem-cli-home-');
  const cpuFile = join(home, '..', `${basename(home)}.cpu`);
  made.push(cpuFile);
  const args = ['--import', REPORT_CPU, cli.path, 'run', file, '--concurrency', String(concurrency)];
  const wall = await timeMs(() => runToExit(process.execPath, args, { cwd: dirname(file), env: cleanEnv({ TANDEM_HOME: home, BENCH_CPU_FILE: cpuFile }) }));
  cpu?.push(Number(readFileSync(cpuFile, 'utf8')));
  return wall;
}

/** `make -jN -f FILE` (make echoes each recipe, as tandem prints each task's progress). */
export function timeMake(file: string, jobs: number): Promise<number> {
  return timeMs(() => runToExit('make', [`-j${jobs}`, '-f', file], { cwd: dirname(file), env: cleanEnv({}) }));
}

/** A bare Node.js process doing nothing: the start-up any Node.js CLI pays. */
export function timeNodeStart(): Promise<number> {
  return timeMs(() => runToExit(process.execPath, ['-e', ''], { cwd: ROOT, env: cleanEnv({}) }));
}
