// Child process for the multi-process trigger claim test: opens the store at argv[2], signals
// readiness with <home>/ready-<name>, waits for <home>/go so every child starts together, then
// for `count` rounds claims key k<i> with run id <name>-<i> and creates the run it gets back
// (createRunIfAbsent), as a trigger would. Prints JSON: which rounds it won, the run ids it got,
// and how many runs it created.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStore } from '../../src/store/sqlite/open.js';
import { makeRun } from './fixtures.js';

const [home, countText, name] = process.argv.slice(2);
if (home === undefined || countText === undefined || name === undefined) {
  throw new Error('usage: claim-child <home> <count> <name>');
}
const store = await openStore({ home });
writeFileSync(join(home, `ready-${name}`), '');
const deadline = Date.now() + 60_000;
while (!existsSync(join(home, 'go'))) {
  if (Date.now() > deadline) throw new Error('no go signal');
  await sleep(2);
}
const won: number[] = [];
const runIds: string[] = [];
let created = 0;
for (let i = 0; i < Number(countText); i++) {
  const now = Date.now();
  const result = await store.claimTrigger(
    { sensor: 'docs', trigger: 'ingest', key: `k${i}`, runId: `${name}-${i}`, expiresAt: now + 3_600_000, eventIds: [`ev-${i}`] },
    now,
  );
  if (result.claimed) won.push(i);
  runIds.push(result.runId);
  if (await store.createRunIfAbsent(makeRun({ id: result.runId, createdAt: now }))) created += 1;
}
await store.close();
process.stdout.write(JSON.stringify({ won, runIds, created }));
