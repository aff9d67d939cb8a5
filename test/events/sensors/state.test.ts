import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SensorState, SensorStateError } from '../../../src/events/sensors/state.js';
import { dep, event, NOON, sensor } from './helpers.js';

describe('SensorState', () => {
  it('fires when every dependency has an event (default condition), keeping the latest per dependency', () => {
    const state = new SensorState(sensor());
    const first = event({ sourceName: 'webhook' });
    const latest = event({ sourceName: 'webhook' });
    assert.equal(state.observe(first, NOON).firing, undefined);
    assert.equal(state.observe(latest, NOON).firing, undefined);
    assert.deepEqual(state.satisfied(), ['a']);
    const fromNats = event({ sourceName: 'nats' });
    const { firing, matches } = state.observe(fromNats, NOON);
    assert.deepEqual(matches.map((m) => [m.dependency, m.ok]), [['a', false], ['b', true]]);
    assert.ok(firing);
    assert.deepEqual(firing.dependencies, ['a', 'b']);
    assert.equal(firing.events.a, latest);
    assert.equal(firing.events.b, fromNats);
    assert.deepEqual(state.satisfied(), [], 'a firing consumes its events');
    assert.equal(state.toJSON().fired, 1);
  });

  it('consumes only the dependencies the firing used', () => {
    const state = new SensorState(sensor({ dependencies: [dep({ name: 'a' }), dep({ name: 'b', eventSource: 'nats' }), dep({ name: 'c', eventSource: 'cron' })], conditions: 'a || b' }));
    state.accept('c', event({ sourceName: 'cron' }), NOON);
    const firing = state.accept('a', event(), NOON);
    assert.deepEqual(firing?.dependencies, ['a']);
    assert.deepEqual(state.satisfied(), ['c'], 'c is not in the condition, so it is left alone');
  });

  it('fires an || condition with every satisfied side', () => {
    const state = new SensorState(sensor({ conditions: 'a && b || b' }));
    assert.deepEqual(state.accept('b', event({ sourceName: 'nats' }), NOON)?.dependencies, ['b']);
    const withA = new SensorState(sensor({ conditions: '(a || b) && b' }));
    withA.accept('a', event(), NOON);
    assert.deepEqual(withA.accept('b', event({ sourceName: 'nats' }), NOON)?.dependencies, ['a', 'b']);
  });

  it('records what each dependency has seen, including why it did not match', () => {
    const state = new SensorState(sensor({ dependencies: [dep({ name: 'a', filters: { data: [{ path: 'n', type: 'number', comparator: '>', value: ['5'] }] } })] }));
    const result = state.observe(event({ id: 'x1', data: { n: 2 } }), NOON);
    assert.equal(result.firing, undefined);
    const seen = state.seen().a;
    assert.equal(seen?.ok, false);
    assert.equal(seen?.id, 'x1');
    assert.match(seen?.reason ?? '', /data\[0\] n: 2 is not > "5"/);
    assert.ok(state.observe(event({ data: { n: 9 } }), NOON).firing);
  });

  it('resets on demand, dropping unconsumed events', () => {
    const state = new SensorState(sensor());
    state.accept('a', event(), NOON);
    assert.deepEqual(state.reset(NOON), ['a']);
    assert.deepEqual(state.satisfied(), []);
    assert.equal(state.accept('b', event({ sourceName: 'nats' }), NOON), undefined, 'a must come again after a reset');
    assert.equal(state.toJSON().lastResetAt, NOON.toISOString());
  });

  it('round-trips through JSON and drops dependencies the sensor no longer has', () => {
    const state = new SensorState(sensor());
    const kept = event();
    state.accept('a', kept, NOON);
    const json = JSON.parse(JSON.stringify(state)) as unknown;
    const restored = SensorState.fromJSON(sensor(), json);
    assert.deepEqual(restored.events().a, kept);
    assert.deepEqual(restored.toJSON(), state.toJSON());
    assert.ok(restored.accept('b', event({ sourceName: 'nats' }), NOON));

    const edited = SensorState.fromJSON(sensor({ dependencies: [dep({ name: 'b', eventSource: 'nats' })] }), json);
    assert.deepEqual(edited.satisfied(), []);
    assert.throws(() => SensorState.fromJSON(sensor(), { version: 2 }), SensorStateError);
    assert.throws(() => SensorState.fromJSON(sensor(), { version: 1, events: { a: { id: 1 } }, seen: {} }), SensorStateError);
  });

  it('refuses an unknown dependency and a bad condition', () => {
    assert.throws(() => new SensorState(sensor()).accept('zzz', event(), NOON), /no dependency "zzz"/);
    assert.throws(() => new SensorState(sensor({ conditions: 'a && c' })), /unknown dependency "c"/);
  });
});
