// Child process for the multi-process test: opens the store at argv[2], then for `count` rounds
// appends an event to run argv[3] and tries to claim run argv[4]; prints how many claims it won.
import { openStore } from '../../src/store/sqlite/open.js';

const [home, runId, claimPrefix, countText, name] = process.argv.slice(2);
if (home === undefined || runId === undefined || claimPrefix === undefined || name === undefined) {
  throw new Error('usage: writer-child <home> <runId> <claimPrefix> <count> <name>');
}
const store = await openStore({ home });
let won = 0;
const count = Number(countText);
for (let i = 0; i < count; i++) {
  await store.applyWrites([
    { kind: 'event', runId, time: i, task: name, attempt: 1, status: 'Running' },
    { kind: 'taskRun', record: { runId, task: `${name}[${i}]`, attempt: 1, status: 'Succeeded' } },
  ]);
  if (await store.claimRun(`${claimPrefix}${i}`, name, process.pid, undefined)) won += 1;
}
await store.close();
process.stdout.write(String(won));
