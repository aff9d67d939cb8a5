// Colours only where they help: a TTY, and NO_COLOR unset (https://no-color.org).
import type { RunStatus, TaskStatus } from '../../engines/model.js';

export interface ColorStream {
  isTTY?: boolean;
}

export type Paint = (text: string) => string;

export interface Palette {
  enabled: boolean;
  green: Paint;
  red: Paint;
  yellow: Paint;
  blue: Paint;
  dim: Paint;
  bold: Paint;
}

export function useColor(stream: ColorStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

const sgr = (open: number, close: number): Paint => (text) => `\x1b[${open}m${text}\x1b[${close}m`;
const plain: Paint = (text) => text;

export function palette(enabled: boolean): Palette {
  if (!enabled) return { enabled, green: plain, red: plain, yellow: plain, blue: plain, dim: plain, bold: plain };
  return {
    enabled,
    green: sgr(32, 39),
    red: sgr(31, 39),
    yellow: sgr(33, 39),
    blue: sgr(34, 39),
    dim: sgr(2, 22),
    bold: sgr(1, 22),
  };
}

export function paletteFor(stream: ColorStream, env: NodeJS.ProcessEnv = process.env): Palette {
  return palette(useColor(stream, env));
}

/** The colour a run or task status is shown in. */
export function statusPaint(p: Palette, status: RunStatus | TaskStatus): Paint {
  switch (status) {
    case 'Succeeded':
    case 'Cached':
      return p.green;
    case 'Failed':
    case 'Error':
    case 'Lost':
      return p.red;
    case 'Running':
    case 'Interrupted':
      return p.yellow;
    case 'Cancelled':
      return p.yellow;
    case 'Pending':
    case 'Skipped':
    case 'Omitted':
      return p.dim;
  }
}

export function paintStatus(p: Palette, status: RunStatus | TaskStatus): string {
  return statusPaint(p, status)(status);
}

/** Printable width of a string: ANSI escapes take no room. */
export function visibleLength(text: string): number {
  return stripAnsi(text).length;
}

export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}
