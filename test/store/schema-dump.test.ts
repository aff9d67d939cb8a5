import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { dumpSchema } from '../../src/store/sqlite/index.js';

const DUMP = fileURLToPath(new URL('../../src/store/schema.sql', import.meta.url));

void describe('schema dump', () => {
  void it('src/store/schema.sql matches a fresh migration', () => {
    const checkedIn = readFileSync(DUMP, 'utf8');
    assert.ok(
      checkedIn === dumpSchema(),
      'src/store/schema.sql is out of date with src/store/migrations: run `npx tsx scripts/dump-schema.ts` and commit the result',
    );
  });

  void it('is deterministic', () => {
    assert.equal(dumpSchema(), dumpSchema());
  });
});
