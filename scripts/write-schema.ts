// Writes the published JSON Schemas from their TypeBox declarations: schema/workflow.schema.json
// (src/spec/schema.ts) and schema/tandem.schema.json (src/config/settings.ts), and the workflow
// validator precompiled from the first (src/spec/workflow-validator.generated.js).
// Usage: npm run schema            (write the files)
//        tsx scripts/write-schema.ts --check   (exit 1 if a checked-in file is stale)
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTandemSchema } from '../src/config/json-schema.js';
import { renderWorkflowSchema } from '../src/spec/json-schema.js';
import { renderWorkflowValidator } from '../src/spec/validator-source.js';

const SCHEMA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'schema');

const SCHEMAS: ReadonlyArray<{ file: string; render: () => string }> = [
  { file: resolve(SCHEMA_DIR, 'workflow.schema.json'), render: renderWorkflowSchema },
  { file: resolve(SCHEMA_DIR, 'tandem.schema.json'), render: renderTandemSchema },
  { file: resolve(SCHEMA_DIR, '..', 'src', 'spec', 'workflow-validator.generated.js'), render: renderWorkflowValidator },
];

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  if (!check) await mkdir(SCHEMA_DIR, { recursive: true });
  for (const { file, render } of SCHEMAS) {
    const text = render();
    if (check) {
      const current = await readFile(file, 'utf8').catch(() => '');
      if (current !== text) {
        console.error(`${file} is stale: run npm run schema`);
        process.exitCode = 1;
      }
      continue;
    }
    await writeFile(file, text);
    console.log(`wrote ${file}`);
  }
}

await main();
