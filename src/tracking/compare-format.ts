// A comparison as text (one column per run, best values starred) and as CSV (RFC 4180: fields
// with a comma, quote or line break are quoted, quotes doubled), for `tandem compare`.
import type { Comparison, MetricComparison } from './compare.js';

export interface TextTable {
  header: string[];
  rows: string[][];
}

/** Rows for a column-aligned table: status, the params that differ (all with `allParams`), metrics. */
export function comparisonTable(comparison: Comparison, options: { allParams?: boolean } = {}): TextTable {
  const header = ['', ...comparison.runs.map((run) => run.id)];
  const rows: string[][] = [['status', ...comparison.runs.map((run) => run.status)]];
  const params = comparison.params.filter((p) => options.allParams || p.differs);
  if (params.length > 0) rows.push(['params', ...comparison.runs.map(() => '')]);
  for (const param of params) rows.push([`  ${param.name}`, ...param.values.map(formatParam)]);
  if (comparison.metrics.length > 0) rows.push(['metrics', ...comparison.runs.map(() => '')]);
  for (const metric of comparison.metrics) {
    rows.push([`  ${metric.name}${arrow(metric)}`, ...metric.values.map((v, i) => formatMetricCell(v, metric.best.includes(comparison.runs[i]!.id)))]);
  }
  return { header, rows };
}

/** Lines after the table: what `*` means, the winner, and the notes. */
export function comparisonFooter(comparison: Comparison): string[] {
  const lines: string[] = [];
  if (comparison.metrics.some((m) => m.best.length > 0)) lines.push('* best value (↑ higher is better, ↓ lower is better)');
  const undirected = comparison.metrics.filter((m) => m.direction === undefined).map((m) => m.name);
  if (undirected.length > 0) lines.push(`no direction declared for: ${undirected.join(', ')} (declare it under metrics: in the workflow)`);
  if (comparison.best) {
    const { metric, direction, value, winners } = comparison.best;
    if (winners.length === 0) lines.push(`best by ${metric}: no run reported it`);
    else {
      const how = `${direction}${comparison.best.assumed ? ', assumed' : ''}`;
      lines.push(`best by ${metric} (${how}): ${winners.join(', ')}${winners.length > 1 ? ' (tie)' : ''} with ${formatNumber(value ?? Number.NaN)}`);
    }
  }
  lines.push(...comparison.notes.map((note) => `note: ${note}`));
  return lines;
}

/** CSV: `section,name,direction,<run ids...>,best`; one row per status, param and metric. */
export function comparisonCsv(comparison: Comparison): string {
  const lines: string[][] = [['section', 'name', 'direction', ...comparison.runs.map((r) => r.id), 'best']];
  lines.push(['run', 'status', '', ...comparison.runs.map((r) => r.status), '']);
  lines.push(['run', 'experiment', '', ...comparison.runs.map((r) => r.experiment ?? ''), '']);
  for (const param of comparison.params) {
    lines.push([param.scope === 'run' ? 'param' : 'task-input', param.name, '', ...param.values.map(csvParam), '']);
  }
  for (const metric of comparison.metrics) {
    lines.push(['metric', metric.name, metric.direction ?? '', ...metric.values.map((v) => (v === null ? '' : String(v))), metric.best.join(';')]);
  }
  return lines.map((fields) => fields.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvParam(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function arrow(metric: MetricComparison): string {
  if (metric.direction === undefined) return '';
  return metric.direction === 'max' ? ' ↑' : ' ↓';
}

function formatParam(value: unknown): string {
  if (value === null || value === undefined) return '-';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function formatMetricCell(value: number | null, best: boolean): string {
  if (value === null) return '-';
  return `${formatNumber(value)}${best ? ' *' : ''}`;
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e6) ? value.toExponential(4) : String(Number(value.toPrecision(6)));
}
