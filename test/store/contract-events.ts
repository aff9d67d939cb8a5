// The Store contract, trigger-layer part: events, trigger claims, dead letters, cron state.
// Registered by storeContract inside its describe, so every adapter runs it on a fresh store.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotFoundError, StoreError } from '../../src/errors.js';
import type { StoredEvent } from '../../src/events/model.js';
import type { Store } from '../../src/store/store.js';
import type { TriggerClaim } from '../../src/store/ports/trigger-claims.js';
import { eventId, makeEvent } from './fixtures.js';

const HOUR = 3_600_000;

function claim(overrides: Partial<TriggerClaim> = {}): TriggerClaim {
  return { sensor: 'docs', trigger: 'ingest', key: 'k1', runId: 'run-1', expiresAt: 10 * HOUR, eventIds: ['e1'], ...overrides };
}

export function eventContract(getStore: () => Store): void {
  void describe('recordEvent / getEvent / setEventStatus', () => {
    void it('round-trips a full event, status received', async () => {
      const store = getStore();
      const event = makeEvent({
        subject: 'docs/42.pdf',
        extensions: { natsstream: 'DOCS', natsseq: '42' },
        data: { nested: { list: [1, 'two', null, true], n: 2.5 } },
      });
      assert.deepEqual(await store.recordEvent(event, eventId(1), 1000), { eventId: eventId(1), duplicate: false });
      const expected: StoredEvent = { ...event, eventId: eventId(1), receivedAt: 1000, status: 'received' };
      assert.deepEqual(await store.getEvent(eventId(1)), expected);
    });

    void it('keeps data as JSON of any shape, and invents no optional fields', async () => {
      const store = getStore();
      const values: unknown[] = [null, 'aGVsbG8=', 0, false, [], { a: {} }];
      for (const [i, data] of values.entries()) {
        const event = makeEvent({ data, datacontenttype: i === 1 ? 'application/octet-stream' : 'application/json' });
        await store.recordEvent(event, eventId(i), i);
        const got = await store.getEvent(eventId(i));
        assert.deepEqual(got, { ...event, eventId: eventId(i), receivedAt: i, status: 'received' });
        for (const key of ['subject', 'extensions', 'error']) assert.equal(Object.hasOwn(got ?? {}, key), false, key);
      }
    });

    void it('returns undefined for an unknown event', async () => {
      assert.equal(await getStore().getEvent('nope'), undefined);
    });

    void it('records a redelivery as a duplicate of the first, changing nothing', async () => {
      const store = getStore();
      const event = makeEvent();
      await store.recordEvent(event, eventId(1), 1000);
      await store.setEventStatus(eventId(1), 'dispatched');
      const again = await store.recordEvent({ ...event, data: { other: true }, type: 'changed' }, eventId(2), 2000);
      assert.deepEqual(again, { eventId: eventId(1), duplicate: true });
      assert.deepEqual(await store.getEvent(eventId(1)), { ...event, eventId: eventId(1), receivedAt: 1000, status: 'dispatched' });
      assert.equal(await store.getEvent(eventId(2)), undefined);
      // Recording again under the first id is a duplicate too (a retried recordEvent).
      assert.deepEqual(await store.recordEvent(event, eventId(1), 3000), { eventId: eventId(1), duplicate: true });
      assert.equal((await store.listEvents()).length, 1);
    });

    void it('scopes the source id to the source name', async () => {
      const store = getStore();
      const a = makeEvent({ sourceName: 'docs', id: 'same' });
      const b = makeEvent({ sourceName: 'github', id: 'same' });
      assert.equal((await store.recordEvent(a, eventId(1), 1)).duplicate, false);
      assert.equal((await store.recordEvent(b, eventId(2), 2)).duplicate, false);
      assert.equal((await store.getEvent(eventId(2)))?.sourceName, 'github');
    });

    void it('rejects an event id already used by another event with StoreError', async () => {
      const store = getStore();
      await store.recordEvent(makeEvent(), eventId(1), 1);
      await assert.rejects(store.recordEvent(makeEvent(), eventId(1), 2), StoreError);
      assert.equal((await store.listEvents()).length, 1);
    });

    void it('sets the status, with an error that a later status clears', async () => {
      const store = getStore();
      await store.recordEvent(makeEvent(), eventId(1), 1);
      await store.setEventStatus(eventId(1), 'failed', 'no sensor matched: bad filter');
      let got = await store.getEvent(eventId(1));
      assert.equal(got?.status, 'failed');
      assert.equal(got?.error, 'no sensor matched: bad filter');
      await store.setEventStatus(eventId(1), 'dispatched');
      got = await store.getEvent(eventId(1));
      assert.equal(got?.status, 'dispatched');
      assert.equal(Object.hasOwn(got ?? {}, 'error'), false);
      await assert.rejects(store.setEventStatus('nope', 'dispatched'), NotFoundError);
    });
  });

  void describe('listEvents', () => {
    async function seed(store: Store): Promise<string[]> {
      const events = [
        makeEvent({ sourceName: 'docs', type: 'uploaded' }),
        makeEvent({ sourceName: 'github', type: 'push' }),
        makeEvent({ sourceName: 'docs', type: 'deleted' }),
        makeEvent({ sourceName: 'docs', type: 'uploaded' }),
        makeEvent({ sourceName: 'github', type: 'uploaded' }),
      ];
      // Out of order: the listing order comes from receivedAt, not insertion or id.
      for (const i of [3, 0, 4, 2, 1]) await store.recordEvent(events[i] as (typeof events)[number], eventId(100 - i), 1000 + i);
      return events.map((_, i) => eventId(100 - i));
    }

    void it('lists newest first and filters by source name, type and status', async () => {
      const store = getStore();
      const ids = await seed(store);
      await store.setEventStatus(ids[1] as string, 'failed', 'boom');
      await store.setEventStatus(ids[3] as string, 'dispatched');
      const list = async (filter: Parameters<Store['listEvents']>[0]) => (await store.listEvents(filter)).map((e) => e.eventId);
      assert.deepEqual(await list(undefined), [...ids].reverse());
      assert.deepEqual(await list({ source: 'docs' }), [ids[3], ids[2], ids[0]]);
      assert.deepEqual(await list({ type: 'uploaded' }), [ids[4], ids[3], ids[0]]);
      assert.deepEqual(await list({ source: 'docs', type: 'uploaded' }), [ids[3], ids[0]]);
      assert.deepEqual(await list({ status: 'received' }), [ids[4], ids[2], ids[0]]);
      assert.deepEqual(await list({ status: 'failed' }), [ids[1]]);
      assert.deepEqual(await list({ source: 'docs', status: 'dispatched' }), [ids[3]]);
      assert.deepEqual(await list({ source: 'nope' }), []);
    });

    void it('pages with limit and before', async () => {
      const store = getStore();
      const ids = await seed(store);
      const seen: string[] = [];
      let before: string | undefined;
      for (;;) {
        const page = await store.listEvents(before === undefined ? { limit: 2 } : { limit: 2, before });
        if (page.length === 0) break;
        assert.ok(page.length <= 2);
        seen.push(...page.map((e) => e.eventId));
        before = page.at(-1)?.eventId;
      }
      assert.deepEqual(seen, [...ids].reverse());
      assert.deepEqual(
        (await store.listEvents({ before: ids[4] as string, source: 'docs', limit: 1 })).map((e) => e.eventId),
        [ids[3]],
      );
    });

    void it('breaks receivedAt ties by event id, so paging never skips an event', async () => {
      const store = getStore();
      for (const n of [2, 3, 1]) await store.recordEvent(makeEvent(), eventId(n), 7);
      const first = await store.listEvents({ limit: 1 });
      const rest = await store.listEvents({ before: first[0]?.eventId as string });
      assert.deepEqual(
        [...first, ...rest].map((e) => e.eventId),
        [eventId(3), eventId(2), eventId(1)],
      );
    });

    void it('rejects an unknown before cursor with NotFoundError', async () => {
      await assert.rejects(getStore().listEvents({ before: 'nope' }), NotFoundError);
    });
  });

  void describe('claimTrigger / pruneTriggerClaims / listRunsForEvent', () => {
    void it('claims a key once: a second claim gets the first runId, not claimed', async () => {
      const store = getStore();
      assert.deepEqual(await store.claimTrigger(claim(), HOUR), { runId: 'run-1', claimed: true });
      assert.deepEqual(await store.claimTrigger(claim({ runId: 'run-2' }), HOUR + 1), { runId: 'run-1', claimed: false });
      assert.deepEqual(await store.claimTrigger(claim({ runId: 'run-3', expiresAt: 99 * HOUR }), 2 * HOUR), {
        runId: 'run-1',
        claimed: false,
      });
    });

    void it('keeps keys of different sensors and triggers apart', async () => {
      const store = getStore();
      assert.equal((await store.claimTrigger(claim({ runId: 'a' }), 0)).claimed, true);
      assert.equal((await store.claimTrigger(claim({ runId: 'b', key: 'k2' }), 0)).claimed, true);
      assert.equal((await store.claimTrigger(claim({ runId: 'c', trigger: 'other' }), 0)).claimed, true);
      assert.equal((await store.claimTrigger(claim({ runId: 'd', sensor: 'other' }), 0)).claimed, true);
      assert.deepEqual(await store.claimTrigger(claim({ runId: 'e', key: 'k2' }), 0), { runId: 'b', claimed: false });
    });

    void it('lets an expired claim be reclaimed (expiresAt <= now is expired)', async () => {
      const store = getStore();
      await store.claimTrigger(claim({ expiresAt: 100 }), 0);
      assert.deepEqual(await store.claimTrigger(claim({ runId: 'run-2', expiresAt: 200 }), 99), { runId: 'run-1', claimed: false });
      assert.deepEqual(await store.claimTrigger(claim({ runId: 'run-2', expiresAt: 200 }), 100), { runId: 'run-2', claimed: true });
      assert.deepEqual(await store.claimTrigger(claim({ runId: 'run-3', expiresAt: 300 }), 150), { runId: 'run-2', claimed: false });
    });

    void it('gives exactly one of many concurrent claimers the key', async () => {
      const store = getStore();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.claimTrigger(claim({ runId: `run-${i}`, eventIds: [`e${i}`] }), 0)),
      );
      const winners = results.filter((r) => r.claimed);
      assert.equal(winners.length, 1);
      assert.ok(results.every((r) => r.runId === winners[0]?.runId));
    });

    void it('prunes expired claims only, and counts them', async () => {
      const store = getStore();
      await store.claimTrigger(claim({ key: 'a', expiresAt: 100 }), 0);
      await store.claimTrigger(claim({ key: 'b', expiresAt: 200 }), 0);
      await store.claimTrigger(claim({ key: 'c', expiresAt: 300 }), 0);
      assert.equal(await store.pruneTriggerClaims(50), 0);
      assert.equal(await store.pruneTriggerClaims(200), 2);
      assert.equal(await store.pruneTriggerClaims(200), 0);
      // The unexpired claim still deduplicates.
      assert.deepEqual(await store.claimTrigger(claim({ key: 'c', runId: 'x' }), 250), { runId: 'run-1', claimed: false });
      // A pruned key is free again.
      assert.deepEqual(await store.claimTrigger(claim({ key: 'a', runId: 'y' }), 250), { runId: 'y', claimed: true });
    });

    void it('lists the runs an event led to, deduplicated claims and pruned claims included', async () => {
      const store = getStore();
      assert.deepEqual(await store.listRunsForEvent('e1'), []);
      await store.claimTrigger(claim({ runId: 'run-1', eventIds: ['e1', 'e2', 'e1'], expiresAt: 100 }), 0);
      // A different event whose key was already claimed is folded into the same run.
      await store.claimTrigger(claim({ runId: 'run-x', eventIds: ['e3'], expiresAt: 100 }), 10);
      // Another trigger fired by e1 starts a second run.
      await store.claimTrigger(claim({ trigger: 'notify', runId: 'run-2', eventIds: ['e1'], expiresAt: 100 }), 20);
      assert.deepEqual(await store.listRunsForEvent('e1'), ['run-1', 'run-2']);
      assert.deepEqual(await store.listRunsForEvent('e2'), ['run-1']);
      assert.deepEqual(await store.listRunsForEvent('e3'), ['run-1']);
      assert.equal(await store.pruneTriggerClaims(100), 2);
      assert.deepEqual(await store.listRunsForEvent('e1'), ['run-1', 'run-2']);
      // After expiry the key starts a new run; the old link stays.
      await store.claimTrigger(claim({ runId: 'run-3', eventIds: ['e2'], expiresAt: 300 }), 200);
      assert.deepEqual(await store.listRunsForEvent('e2'), ['run-1', 'run-3']);
    });
  });

  void describe('dead letters', () => {
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

  void describe('cron ticks', () => {
    void it('upserts the last tick per source and schedule, never moving backwards', async () => {
      const store = getStore();
      assert.equal(await store.getCronTick('nightly', '0 2 * * *'), undefined);
      await store.setCronTick('nightly', '0 2 * * *', 1000);
      await store.setCronTick('nightly', '*/5 * * * *', 5000);
      await store.setCronTick('hourly', '0 2 * * *', 7000);
      assert.equal(await store.getCronTick('nightly', '0 2 * * *'), 1000);
      await store.setCronTick('nightly', '0 2 * * *', 2000);
      assert.equal(await store.getCronTick('nightly', '0 2 * * *'), 2000);
      await store.setCronTick('nightly', '0 2 * * *', 1500);
      assert.equal(await store.getCronTick('nightly', '0 2 * * *'), 2000);
      assert.equal(await store.getCronTick('nightly', '*/5 * * * *'), 5000);
      assert.equal(await store.getCronTick('hourly', '0 2 * * *'), 7000);
      assert.equal(await store.getCronTick('hourly', '*/5 * * * *'), undefined);
    });
  });

  void describe('sensor states', () => {
    void it('saves a snapshot per sensor and replaces it on the next save', async () => {
      const store = getStore();
      assert.equal(await store.loadSensorState('both'), undefined);
      const snapshot = { version: 1, events: { a: { id: 'm1' } }, seen: {}, fired: 0 };
      await store.saveSensorState({ sensor: 'both', snapshot, eventIds: { 'uploads\u0000m1': 'ev-1' }, updatedAt: 10 });
      await store.saveSensorState({ sensor: 'other', snapshot: { version: 1 }, eventIds: {}, updatedAt: 11 });
      assert.deepEqual(await store.loadSensorState('both'), { sensor: 'both', snapshot, eventIds: { 'uploads\u0000m1': 'ev-1' }, updatedAt: 10 });
      await store.saveSensorState({ sensor: 'both', snapshot: { version: 1, events: {} }, eventIds: {}, updatedAt: 20 });
      assert.deepEqual(await store.loadSensorState('both'), { sensor: 'both', snapshot: { version: 1, events: {} }, eventIds: {}, updatedAt: 20 });
      assert.equal((await store.loadSensorState('other'))?.updatedAt, 11);
    });
  });
}
