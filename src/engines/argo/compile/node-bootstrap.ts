// The script an Argo `node` task runs: it rebuilds the task's typed inputs from environment
// variables (Argo passes every parameter as text), calls the module's export with (inputs, ctx)
// as tandem's embedded engine does, and writes each returned output to a file that the template
// declares as an output parameter. It is plain CommonJS (Argo stores a script without a file
// extension) and never contains "{{", which Argo would take for a placeholder.
import type { InputMode } from './scope.js';

export interface BootstrapConfig {
  /** Absolute path of the module inside the image. */
  module: string;
  export: string;
  inputs: Record<string, InputMode>;
  /** Outputs taken from the returned object, and whether each is written as raw text (string type). */
  returned: Array<{ name: string; text: boolean }>;
  returnedDir: string;
}

export function nodeBootstrap(config: BootstrapConfig): string {
  const json = JSON.stringify(config);
  if (json.includes('{{')) throw new Error('internal: bootstrap config contains "{{"');
  return [
    '// tandem node task bootstrap (generated): inputs from TANDEM_INPUT_*, outputs to files.',
    "const fs = require('node:fs');",
    "const path = require('node:path');",
    "const url = require('node:url');",
    `const config = ${json};`,
    'function decode(mode, text) {',
    "  if (mode === 'string' || mode === 'path') return text;",
    "  if (mode === 'json') return JSON.parse(text);",
    '  try { return JSON.parse(text); } catch { return text; }',
    '}',
    'async function main() {',
    '  const inputs = {};',
    '  for (const [name, mode] of Object.entries(config.inputs)) {',
    "    inputs[name] = decode(mode, process.env['TANDEM_INPUT_' + name] ?? '');",
    '  }',
    '  const env = process.env;',
    '  const ctx = {',
    '    runId: env.TANDEM_RUN_ID, task: env.TANDEM_TASK, attempt: Number(env.TANDEM_ATTEMPT),',
    '    outputsDir: env.TANDEM_OUTPUTS, inputsDir: env.TANDEM_INPUTS, metricsFile: env.TANDEM_METRICS,',
    '    metric(name, value, step) {',
    '      const line = step === undefined ? { name, value, time: Date.now() } : { name, value, step, time: Date.now() };',
    "      fs.appendFileSync(env.TANDEM_METRICS, JSON.stringify(line) + '\\n');",
    '    },',
    '  };',
    '  const loaded = await import(url.pathToFileURL(config.module).href);',
    "  const fn = config.export === 'default' ? (loaded.default ?? loaded['module.exports']) : loaded[config.export];",
    "  if (typeof fn !== 'function') throw new Error(config.module + ' has no exported function ' + config.export);",
    '  const result = (await fn(inputs, ctx)) ?? {};',
    "  if (result === null || typeof result !== 'object' || Array.isArray(result)) throw new Error(config.export + '() must return an object of outputs');",
    '  fs.mkdirSync(config.returnedDir, { recursive: true });',
    '  for (const output of config.returned) {',
    "    if (!(output.name in result)) throw new Error('output ' + output.name + ': the function returned no ' + output.name);",
    '    const value = result[output.name];',
    "    const text = output.text && typeof value === 'string' ? value : JSON.stringify(value);",
    '    fs.writeFileSync(path.join(config.returnedDir, output.name), text);',
    '  }',
    '}',
    'main().catch((error) => {',
    '  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));',
    '  process.exit(1);',
    '});',
    '',
  ].join('\n');
}
