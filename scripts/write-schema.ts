// Writes schema/workflow.schema.json from the TypeBox declaration in src/spec/schema.ts.
// Usage: npm run schema            (write the file)
//        tsx scripts/write-schema.ts --check   (exit 1 if the checked-in file is stale)
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderWorkflowSchema } from '../src/spec/json-schema.js';

export const SCHEMA_FILE = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'schema', 'workflow.schema.json');

async function main(): Promise<void> {
  const text = renderWorkflowSchema();
  if (process.argv.includes('--check')) {
    const current = await readFile(SCHEMA_FILE, 'utf8').catch(() => '');
    if (current !== text) {
      console.error(`${SCHEMA_FILE} is stale: run npm run schema`);
      process.exitCode = 1;
    }
    return;
  }
  await mkdir(dirname(SCHEMA_FILE), { recursive: true });
  await writeFile(SCHEMA_FILE, text);
  console.log(`wrote ${SCHEMA_FILE}`);
}

await main();
