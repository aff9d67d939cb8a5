// File snapshots: compares text with a file checked into the repository, or rewrites the file
// when UPDATE_SNAPSHOTS=1. A missing snapshot fails (so CI never passes by writing it) unless
// updating, and the failure says how to create it.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function matchSnapshot(file: string, actual: string): void {
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.ok(existsSync(file), `snapshot ${file} does not exist; run with UPDATE_SNAPSHOTS=1 to create it`);
  assert.equal(actual, readFileSync(file, 'utf8'), `output differs from ${file}; if the change is intended, run with UPDATE_SNAPSHOTS=1`);
}
