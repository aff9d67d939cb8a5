// Column-aligned tables for listings. Cells may carry colour; alignment ignores the escapes.
import { visibleLength } from './color.js';

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[], gap = 2): string {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    columns
      .map((c, i) => {
        const cell = cells[i] ?? '';
        const width = widths[i] ?? 0;
        const padding = ' '.repeat(Math.max(0, width - visibleLength(cell)));
        const last = i === columns.length - 1;
        if (c.align === 'right') return padding + cell;
        return last ? cell : cell + padding;
      })
      .join(' '.repeat(gap))
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map(line)].join('\n');
}
