// Who this process is, as records shared through the store name it: `host:pid:start`. The start
// time (base 36) tells a process apart from a later one that got the same pid. The local engine
// records it as a run's owner and a lock's holder; the MLflow mirror builds its lease holder on it.
import { hostname } from 'node:os';

export const PROCESS_IDENTITY = `${hostname()}:${process.pid}:${Date.now().toString(36)}`;
