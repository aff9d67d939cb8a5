// The events role's contract: events recorded once per (source name, source id), their status,
// and listings with filters and paging. Every adapter passes it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotFoundError, StoreError } from '../../../src/errors.js';
import type { StoredEvent } from '../../../src/events/model.js';
import type { EventStore } from '../../../src/store/ports/events.js';
import { eventId, makeEvent } from '../fixtures.js';
import { freshPerTest, idsPageByPage, type RoleFactory } from './handle.js';

export function eventContract(make: RoleFactory<EventStore>): void {
  void describe('events', () => {
    const getStore = freshPerTest(make);

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
      async function seed(store: EventStore): Promise<string[]> {
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
        const list = async (filter: Parameters<EventStore['listEvents']>[0]) => (await store.listEvents(filter)).map((e) => e.eventId);
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
        const seen = await idsPageByPage((page) => store.listEvents(page), (e) => e.eventId);
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
  });
}
