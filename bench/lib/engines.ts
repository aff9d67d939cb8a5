// The engines registry a benchmark runs on: the built-in routing policy (every lane local) and the
// local engine registered under `local`, wired as `tandem` wires them.
import { registerLocalEngine } from '../../src/wiring/engines.js';
import type { LocalEngineOptions } from '../../src/engines/local/engine.js';
import { Engines } from '../../src/engines/registry.js';
import { runRouter } from '../../src/router/run-routing.js';

export async function openBenchEngines(options: Omit<LocalEngineOptions, 'childRuns'>): Promise<Engines> {
  const engines = new Engines({ router: runRouter(), runs: options.store });
  await registerLocalEngine(engines, options);
  return engines;
}
