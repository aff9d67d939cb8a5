import { engineContract } from '../contract.js';
import { makeHarness } from '../harness.js';

engineContract('local (embedded, SQLite)', async () => {
  const harness = await makeHarness();
  return { engine: harness.engine, close: harness.close };
});
