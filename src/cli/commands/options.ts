// Option parsers shared by commands; a bad value is a usage error (exit 2) naming the flag.
import { InvalidArgumentError } from 'commander';
import { RUN_STATUSES } from '../../engines/model.js';
import type { RunStatus } from '../../engines/model.js';

/** Accumulates a repeatable option. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function positiveInt(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isInteger(n) || n < 1) {
      throw new InvalidArgumentError(`${flag} expects a positive integer, got ${JSON.stringify(value)}`);
    }
    return n;
  };
}

/** A run status, case-insensitive; repeatable. */
export function collectStatus(value: string, previous: RunStatus[] | undefined): RunStatus[] {
  const found = RUN_STATUSES.find((s) => s.toLowerCase() === value.trim().toLowerCase());
  if (!found) throw new InvalidArgumentError(`expected one of ${RUN_STATUSES.join(', ')}`);
  return [...(previous ?? []), found];
}
