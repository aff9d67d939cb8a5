// @ts-check
// The store's WAL checkpointer, run in a worker thread with its own connection. A checkpoint
// copies the pages the write-ahead log has gathered back into the database file and syncs it:
// about 14 ms per thousand pages on these machines. Run on the thread that commits, it stalled
// every thirtieth event by that much; here it runs beside the writer (PASSIVE mode never blocks
// writers or readers) and the writer's only checkpoints are the rare safety-net ones.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const port = parentPort;
if (!port) throw new Error('checkpoint-worker.js runs only as a worker thread');
const { path } = /** @type {{ path: string }} */ (workerData);
const db = new Database(path, { timeout: 1000, fileMustExist: true });

port.on('message', (/** @type {'checkpoint' | 'close'} */ message) => {
  if (message === 'close') {
    db.close();
    port.close();
    return;
  }
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    port.postMessage({ done: true });
  } catch (error) {
    // A busy or failing checkpoint is retried on the next request; the writer's own
    // auto-checkpoint still bounds the log.
    port.postMessage({ done: false, error: error instanceof Error ? error.message : String(error) });
  }
});
