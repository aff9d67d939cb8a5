// Writes the generated API types (see scripts/api-schemas.ts): src/engines/argo/api/schema.generated.ts
// and src/engines/kfp/api/schema.generated.ts, from the official swagger files in the shared folder.
// Usage: npm run generate:api
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { API_SCHEMA_FILES, outputPath, renderApiSchema, sharedDir } from './api-schemas.js';

for (const file of API_SCHEMA_FILES) {
  const text = await renderApiSchema(file, sharedDir());
  const path = outputPath(file);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
  console.log(`wrote ${path} from ${file.spec}`);
}
