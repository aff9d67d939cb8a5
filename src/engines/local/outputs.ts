// Collects a finished attempt's outputs: params read from files, from JSON on stdout or from a
// node task's return value, coerced to their declared types; artifacts stored content-addressed;
// metrics read from the task's metrics file.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { OutputDecl, ParamType, TaskSpec } from '../../spec/schema.js';
import { isArtifactType } from '../../spec/value-types.js';
import type { OutputValue } from '../model.js';
import type { ArtifactStore } from './artifacts.js';
import { attemptFiles } from './layout.js';
import { artifactMetadata } from './artifact-metadata.js';
import { TaskFailureError } from './task-failure.js';

/** The task ran but its outputs are missing or malformed: the attempt fails. */
export class OutputError extends TaskFailureError {
  readonly code = 'TASK_OUTPUT';
  readonly status = 'Failed';
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

export function isArtifactOutput(decl: OutputDecl): boolean {
  return isArtifactType(decl.type);
}

export interface AttemptFiles {
  outputsDir: string;
  logDir: string;
  metricsFile: string;
  logTruncated: boolean;
}

export async function collectOutputs(
  task: TaskSpec,
  files: AttemptFiles,
  returned: Record<string, unknown> | undefined,
  artifacts: ArtifactStore,
): Promise<Record<string, OutputValue>> {
  const collected: Record<string, OutputValue> = {};
  let stdout: unknown;
  let stdoutRead = false;
  for (const [name, decl] of Object.entries(task.outputs ?? {})) {
    if (isArtifactOutput(decl)) {
      // A child workflow's artifact output arrives as the path of its stored content.
      const fromChild = task.workflow && decl.path === undefined ? returnedPath(returned, name) : undefined;
      const source = fromChild ?? resolveOutputPath(files.outputsDir, decl.path ?? name);
      if (!existsSync(source)) throw new OutputError(`output artifact "${name}": ${source} was not written`);
      const described = await artifactMetadata(source, decl.type!, task.node ? returned?.[name] : undefined);
      if (!described.ok) throw new OutputError(`output artifact "${name}": ${described.problem}`);
      const stored = await artifacts.put(source, decl.type!);
      const ref = { digest: stored.digest, size: stored.size, kind: stored.kind, type: stored.type };
      collected[name] = { kind: 'artifact', artifact: described.metadata ? { ...ref, metadata: described.metadata } : ref };
      continue;
    }
    let value: unknown;
    if (decl.stdout !== undefined && decl.stdout !== false) {
      if (!stdoutRead) {
        stdout = await readStdoutJson(files, name);
        stdoutRead = true;
      }
      value = typeof decl.stdout === 'string' ? pick(stdout, decl.stdout, name) : stdout;
      value = checkType(value, (decl.type as ParamType | undefined) ?? 'json', name);
    } else if ((task.node || task.workflow) && decl.path === undefined) {
      if (!returned || !(name in returned)) {
        throw new OutputError(task.workflow ? `output "${name}": the child workflow has no output "${name}"` : `output "${name}": the function returned no "${name}"`);
      }
      value = checkType(returned[name], (decl.type as ParamType | undefined) ?? 'json', name);
    } else {
      const source = resolveOutputPath(files.outputsDir, decl.path ?? name);
      if (!existsSync(source)) throw new OutputError(`output "${name}": ${source} was not written`);
      value = parseText(await readFile(source, 'utf8'), (decl.type as ParamType | undefined) ?? 'string', name);
    }
    collected[name] = { kind: 'param', value };
  }
  return collected;
}

export interface MetricLine {
  name: string;
  value: number;
  step?: number;
  time: number;
}

/** Metrics a task wrote to $TANDEM_METRICS as JSON lines; malformed lines fail the attempt. */
export async function readMetrics(metricsFile: string): Promise<MetricLine[]> {
  if (!existsSync(metricsFile)) return [];
  const lines = (await readFile(metricsFile, 'utf8')).split('\n').filter((line) => line.trim() !== '');
  return lines.map((line, index) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new OutputError(`metrics line ${index + 1} is not JSON: ${line.slice(0, 80)}`);
    }
    const metric = parsed as Partial<MetricLine>;
    if (typeof metric.name !== 'string' || typeof metric.value !== 'number' || !Number.isFinite(metric.value)) {
      throw new OutputError(`metrics line ${index + 1}: expected {"name": string, "value": number, "step"?: integer}`);
    }
    return {
      name: metric.name,
      value: metric.value,
      ...(typeof metric.step === 'number' ? { step: metric.step } : {}),
      time: typeof metric.time === 'number' ? metric.time : Date.now(),
    };
  });
}

function resolveOutputPath(outputsDir: string, path: string): string {
  return isAbsolute(path) ? path : join(outputsDir, path);
}

async function readStdoutJson(files: AttemptFiles, name: string): Promise<unknown> {
  const file = attemptFiles.stdout(files.logDir);
  const text = existsSync(file) ? (await readFile(file, 'utf8')).trim() : '';
  if (files.logTruncated) throw new OutputError(`output "${name}": stdout exceeded the log cap, so its JSON is incomplete`);
  try {
    return JSON.parse(text);
  } catch {
    // Tasks often log before printing their result: accept JSON on the last line.
    const last = text.split('\n').pop() ?? '';
    try {
      return JSON.parse(last);
    } catch {
      throw new OutputError(`output "${name}": stdout is not JSON (last line: ${JSON.stringify(last.slice(0, 80))})`);
    }
  }
}

function pick(value: unknown, path: string, name: string): unknown {
  let current = value;
  for (const key of path.replace(/^\$\.?/, '').split('.').filter(Boolean)) {
    if (current === null || typeof current !== 'object' || !(key in current)) {
      throw new OutputError(`output "${name}": stdout JSON has no "${path}"`);
    }
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Text from a file, as the declared type. A trailing newline is not part of a string value. */
function parseText(text: string, type: ParamType, name: string): unknown {
  const trimmed = text.replace(/\r?\n$/, '');
  switch (type) {
    case 'string':
      return trimmed;
    case 'json':
      try {
        return JSON.parse(trimmed);
      } catch {
        throw new OutputError(`output "${name}": expected JSON, found ${JSON.stringify(trimmed.slice(0, 80))}`);
      }
    default:
      return checkType(parseScalar(trimmed.trim()), type, name);
  }
}

function parseScalar(text: string): unknown {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text !== '' && !Number.isNaN(Number(text))) return Number(text);
  return text;
}

export function checkType(value: unknown, type: ParamType, name: string): unknown {
  const ok =
    type === 'json' ||
    (type === 'string' && typeof value === 'string') ||
    (type === 'number' && typeof value === 'number' && Number.isFinite(value)) ||
    (type === 'integer' && Number.isInteger(value)) ||
    (type === 'boolean' && typeof value === 'boolean');
  if (!ok) throw new OutputError(`output "${name}": expected ${type}, found ${JSON.stringify(value)?.slice(0, 80)}`);
  return value;
}

function returnedPath(returned: Record<string, unknown> | undefined, name: string): string {
  const value = returned?.[name];
  if (typeof value !== 'string' || !isAbsolute(value)) throw new OutputError(`output artifact "${name}": the child workflow has no artifact output "${name}"`);
  return value;
}
