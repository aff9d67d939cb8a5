// The lines printed when a run ends (run, resume): status, failed tasks, outputs, where the data is.
import type { Palette } from './format/color.js';
import { paintStatus } from './format/color.js';
import { formatDuration } from './format/duration.js';
import type { RunReport } from './run-report.js';

const FAILED: ReadonlySet<string> = new Set(['Failed', 'Error', 'Interrupted']);

export function formatRunSummary(report: RunReport, p: Palette): string[] {
  const lines: string[] = [];
  const took = report.durationMs !== undefined ? ` in ${formatDuration(report.durationMs)}` : '';
  const message = report.message && report.status !== 'Succeeded' ? `: ${report.message}` : '';
  lines.push(`${p.bold(report.workflow)} ${paintStatus(p, report.status)}${took}${message}`);
  const failed = report.tasks.filter((t) => FAILED.has(t.status));
  if (failed.length > 0) {
    lines.push('failed tasks:');
    for (const task of failed.slice(0, 10)) {
      const exit = task.exitCode !== undefined ? `exit code ${task.exitCode}` : (task.signal ?? task.status);
      const why = task.message ? (task.message.split('\n')[0] ?? '') : exit;
      const attempt = task.attempt > 1 ? ` (attempt ${task.attempt})` : '';
      lines.push(`  ${task.task}${attempt}: ${why}   ${p.dim(`tandem logs ${report.id} ${shellWord(task.task)}`)}`);
    }
    if (failed.length > 10) lines.push(`  … and ${failed.length - 10} more (tandem show ${report.id})`);
  }
  const outputs = Object.entries(report.outputs);
  if (outputs.length > 0) {
    lines.push('outputs:');
    for (const [name, value] of outputs) lines.push(`  ${name} = ${formatValue(value)}`);
  }
  lines.push(`data:      ${report.paths.home}`);
  if (report.paths.logs) lines.push(`logs:      ${report.paths.logs}`);
  if (report.paths.artifacts) {
    lines.push(`artifacts: ${report.paths.artifacts} (${report.artifacts.length} stored)`);
  }
  lines.push(p.dim(`details:   tandem show ${report.id}    logs: tandem logs ${report.id} [TASK]`));
  return lines;
}

/** A value on one line: strings bare, everything else as JSON, cut at 200 characters. */
export function formatValue(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const oneLine = text.replace(/\n/g, '\\n');
  return oneLine.length > 200 ? `${oneLine.slice(0, 199)}…` : oneLine;
}

/** A word safe to paste into a shell: `parse[3]` → `'parse[3]'`. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_.,:/=@+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
