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
  for (const param of params) rows.push([`  ${param.name}`, ...paramCells(param.values)]);
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

const PARAM_CELL_WIDTH = 40;
/** Characters of the shared prefix kept before the point where the values part, at most. */
const PREFIX_CONTEXT = 20;

/**
 * A param's cells, each at most PARAM_CELL_WIDTH characters. Long values that share a prefix (paths,
 * URIs) would all be cut to that same prefix and look equal; so when cutting makes different values
 * look alike, the shared prefix is elided instead (`…/2024-06-02/part-1.csv`), keeping where they differ.
 */
function paramCells(values: readonly unknown[]): string[] {
  const texts = values.map((value) => (value === null || value === undefined ? undefined : typeof value === 'string' ? value : JSON.stringify(value)));
  const cut = texts.map((text) => (text === undefined ? '-' : truncate(text)));
  if (!hidesDifferences(texts, cut)) return cut;
  const present = texts.filter((text): text is string => text !== undefined);
  const from = elideUpTo(present[0] ?? '', sharedPrefixLength(present));
  return texts.map((text) => (text === undefined ? '-' : from > 0 ? truncate(`…${text.slice(from)}`) : truncate(text)));
}

/** True when two different values would be shown as the same cell. */
function hidesDifferences(texts: readonly (string | undefined)[], cells: readonly string[]): boolean {
  const shown = new Map<string, string | undefined>();
  for (const [i, cell] of cells.entries()) {
    if (shown.has(cell) && shown.get(cell) !== texts[i]) return true;
    shown.set(cell, texts[i]);
  }
  return false;
}

/** Where the shown part starts: at the last path separator (else any separator) shortly before `shared`. */
function elideUpTo(text: string, shared: number): number {
  const window = text.slice(Math.max(0, shared - PREFIX_CONTEXT), shared);
  const offset = Math.max(0, shared - PREFIX_CONTEXT);
  const slash = window.lastIndexOf('/');
  if (slash !== -1) return offset + slash;
  const other = Math.max(...[':', '.', '-', '_', '='].map((separator) => window.lastIndexOf(separator)));
  return other !== -1 ? offset + other : Math.max(0, shared - PREFIX_CONTEXT / 2);
}

function sharedPrefixLength(texts: readonly string[]): number {
  const first = texts[0] ?? '';
  let length = first.length;
  for (const text of texts.slice(1)) {
    let i = 0;
    while (i < length && i < text.length && text[i] === first[i]) i++;
    length = i;
  }
  return length;
}

function truncate(text: string): string {
  return text.length > PARAM_CELL_WIDTH ? `${text.slice(0, PARAM_CELL_WIDTH - 1)}…` : text;
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
