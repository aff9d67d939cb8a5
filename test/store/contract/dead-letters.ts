// The dead-letters role's contract: letters kept whole, with increasing ids, newest first,
// filtered by sensor. Every adapter passes it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeadLetterStore } from '../../../src/store/ports/dead-letters.js';
import { freshPerTest, type RoleFactory } from './handle.js';

export function deadLetterContract(make: RoleFactory<DeadLetterStore>): void {
  void describe('dead letters', () => {
    const getStore = freshPerTest(make);

    void it('round-trips letters with increasing ids, newest first, filtered by sensor', async () => {
      const store = getStore();
      const a = { sensor: 'docs', trigger: 'ingest', eventIds: ['e1', 'e2'], error: 'engine unreachable', attempts: 5, time: 100 };
      const b = { ...a, trigger: 'notify', params: { doc: 'd1', pages: [1, 2], opt: null }, time: 200 };
      const c = { ...a, sensor: 'github', eventIds: [], attempts: 1, time: 300 };
      const idA = await store.recordDeadLetter(a);
      const idB = await store.recordDeadLetter(b);
      const idC = await store.recordDeadLetter(c);
      assert.ok(idA < idB && idB < idC);
      assert.deepEqual(await store.listDeadLetters(), [
        { ...c, id: idC },
        { ...b, id: idB },
        { ...a, id: idA },
      ]);
      assert.equal(Object.hasOwn((await store.listDeadLetters({ limit: 1, sensor: 'docs' }))[0] ?? {}, 'params'), true);
      assert.deepEqual(
        (await store.listDeadLetters({ sensor: 'docs' })).map((l) => l.id),
        [idB, idA],
      );
      assert.deepEqual(
        (await store.listDeadLetters({ limit: 2 })).map((l) => l.id),
        [idC, idB],
      );
      assert.deepEqual(await store.listDeadLetters({ sensor: 'nope' }), []);
      assert.equal(Object.hasOwn((await store.listDeadLetters({ sensor: 'github' }))[0] ?? {}, 'params'), false);
    });
  });
}
