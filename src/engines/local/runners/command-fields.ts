// Renders the templated fields runners share (args, env, cwd) against the task's context.
import { isAbsolute, resolve } from 'node:path';
import { renderText } from '../../../expr/template.js';
import type { TaskExecution } from '../runner.js';

export function renderArgs(args: readonly string[] | undefined, execution: TaskExecution): string[] {
  return (args ?? []).map((arg) => renderText(arg, execution.context));
}

export function renderEnv(env: Readonly<Record<string, string>> | undefined, execution: TaskExecution): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env ?? {})) out[key] = renderText(value, execution.context);
  return out;
}

/** The working directory: the given one (relative to the workflow file's folder) or that folder. */
export function renderCwd(cwd: string | undefined, execution: TaskExecution): string {
  if (cwd === undefined) return execution.baseDir;
  const rendered = renderText(cwd, execution.context);
  return isAbsolute(rendered) ? rendered : resolve(execution.baseDir, rendered);
}
