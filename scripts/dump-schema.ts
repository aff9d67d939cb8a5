// Writes src/store/schema.sql: the schema a fresh migration produces. Run after adding a migration:
//   npx tsx scripts/dump-schema.ts
// test/store/schema-dump.test.ts fails while the checked-in dump differs from a fresh migration.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dumpSchema } from '../src/store/sqlite/schema-dump.js';

const target = fileURLToPath(new URL('../src/store/schema.sql', import.meta.url));
writeFileSync(target, dumpSchema());
console.log(`wrote ${target}`);
