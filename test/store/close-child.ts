// Child process for the close test: a write lands while the store is closing (as a task finishing
// while the engine stops would), then the process must exit by itself. argv: <home>
import { openStore } from '../../src/store/sqlite/open.js';
import { makeRun } from './fixtures.js';

const home = process.argv[2];
if (home === undefined) throw new Error('usage: close-child <home>');
const store = await openStore({ home });
await store.createRun(makeRun()); // the first commit starts the checkpoint worker
const closing = store.close();
const late = store.createRun(makeRun()).then(
  () => 'stored',
  () => 'refused',
);
await closing;
process.stdout.write(await late);
