// @ts-check
// Runs inside the child process of a `node` task: imports the module, calls the exported
// function with (inputs, context) and writes its return value as JSON for the engine to read.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const requestFile = process.argv[2];
if (!requestFile) {
  console.error('tandem node shim: no request file given');
  process.exit(70);
}
/** @type {import('./node.js').NodeTaskRequest} */
const request = JSON.parse(readFileSync(requestFile, 'utf8'));

const context = {
  ...request.context,
  /**
   * Records a metric value (optionally at a training step) for this task.
   * @param {string} name @param {number} value @param {number} [step]
   */
  metric(name, value, step) {
    const line = { name, value, ...(step === undefined ? {} : { step }), time: Date.now() };
    appendFileSync(request.context.metricsFile, `${JSON.stringify(line)}\n`);
  },
};

try {
  const loaded = await import(pathToFileURL(request.module).href);
  const fn = request.export === 'default' ? (loaded.default ?? loaded['module.exports']) : loaded[request.export];
  if (typeof fn !== 'function') {
    const found = Object.keys(loaded).join(', ') || 'nothing';
    console.error(`tandem: ${request.module} has no exported function "${request.export}" (it exports: ${found})`);
    process.exit(2);
  }
  const result = await fn(request.inputs, context);
  if (result !== undefined && (result === null || typeof result !== 'object' || Array.isArray(result))) {
    console.error(`tandem: ${request.export}() must return an object of outputs (or nothing), got ${Array.isArray(result) ? 'a list' : typeof result}`);
    process.exit(2);
  }
  writeFileSync(request.resultFile, JSON.stringify(result ?? {}));
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
}
