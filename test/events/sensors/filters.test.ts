import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesDependency } from '../../../src/events/sensors/filters.js';
import type { DataFilter, DependencyFilters } from '../../../src/events/sensors/schema.js';
import { dep, event, NOON } from './helpers.js';

function withData(data: DataFilter[], extra: Partial<DependencyFilters> = {}) {
  return dep({ filters: { data, ...extra } });
}

function fails(result: { ok: boolean; reason?: string }, reason: RegExp): void {
  assert.equal(result.ok, false, 'expected the dependency to fail');
  assert.match(result.reason ?? '', reason);
}

describe('source, type and subject', () => {
  it('requires the named event source', () => {
    assert.deepEqual(matchesDependency(dep(), event(), NOON), { ok: true });
    fails(matchesDependency(dep({ eventSource: 'nats' }), event(), NOON), /event source "webhook" is not "nats"/);
  });

  it('matches type and subject with NATS wildcards', () => {
    const d = dep({ eventType: 'com.github.*', subject: 'docs.>' });
    assert.equal(matchesDependency(d, event({ type: 'com.github.push', subject: 'docs.uploaded.pdf' }), NOON).ok, true);
    fails(matchesDependency(d, event({ type: 'com.github.push.extra', subject: 'docs.x' }), NOON), /type "com.github.push.extra" does not match/);
    fails(matchesDependency(d, event({ type: 'com.github.push', subject: 'docs' }), NOON), /subject "docs" does not match "docs.>"/);
    fails(matchesDependency(d, event({ type: 'com.github.push' }), NOON), /has no subject/);
  });

  it('matches an exact type only against itself', () => {
    assert.equal(matchesDependency(dep({ eventType: 'a.b' }), event({ type: 'a.b' }), NOON).ok, true);
    assert.equal(matchesDependency(dep({ eventType: 'a.b' }), event({ type: 'a.bc' }), NOON).ok, false);
  });
});

describe('data filters', () => {
  const data = { body: { value: 75, kind: 'invoice-2024', flag: 'true', ok: false, items: [{ size: 3 }, { size: 12 }] } };

  it('walks dot paths with array indexes', () => {
    const d = withData([{ path: 'body.items.1.size', type: 'number', comparator: '>', value: ['10'] }]);
    assert.equal(matchesDependency(d, event({ data }), NOON).ok, true);
    fails(matchesDependency(withData([{ path: 'body.items.5.size', type: 'number', value: ['1'] }]), event({ data }), NOON), /data\[0\] body.items.5.size: path not found \(no "5" in "body.items" \(a list of 2\)\)/);
  });

  it('compares numbers with every comparator, the values ORed', () => {
    const check = (comparator: DataFilter['comparator'], value: string[]) =>
      matchesDependency(withData([{ path: 'body.value', type: 'number', comparator, value }]), event({ data }), NOON).ok;
    assert.equal(check('>', ['50.0']), true);
    assert.equal(check('>=', ['75']), true);
    assert.equal(check('<', ['75']), false);
    assert.equal(check('<=', ['75']), true);
    assert.equal(check('=', ['1', '75']), true);
    assert.equal(check(undefined, ['1', '2']), false);
    assert.equal(check('<', ['10', '100']), true);
  });

  it('treats != as "equal to none of the values"', () => {
    const check = (value: string[]) => matchesDependency(withData([{ path: 'body.value', type: 'number', comparator: '!=', value }]), event({ data }), NOON);
    assert.equal(check(['1', '2']).ok, true);
    fails(check(['1', '75']), /75 equals "75"/);
  });

  it('matches strings by unanchored regular expression', () => {
    const check = (value: string[], comparator: DataFilter['comparator'] = '=') =>
      matchesDependency(withData([{ path: 'body.kind', type: 'string', comparator, value }]), event({ data }), NOON);
    assert.equal(check(['invoice']).ok, true);
    assert.equal(check(['^invoice-\\d{4}$']).ok, true);
    fails(check(['^receipt', 'memo']), /"invoice-2024" matches none of "\^receipt", "memo"/);
    assert.equal(check(['receipt'], '!=').ok, true);
    fails(check(['receipt', 'invoice'], '!='), /matches "invoice"/);
    fails(check(['a'], '>'), /comparator > does not apply to strings/);
  });

  it('coerces numbers, bools and strings', () => {
    assert.equal(matchesDependency(withData([{ path: 'n', type: 'number', value: ['12.5'] }]), event({ data: { n: '12.5' } }), NOON).ok, true);
    fails(matchesDependency(withData([{ path: 'n', type: 'number', value: ['1'] }]), event({ data: { n: 'twelve' } }), NOON), /expected a number, found "twelve"/);
    assert.equal(matchesDependency(withData([{ path: 'body.flag', type: 'bool', value: ['True'] }]), event({ data }), NOON).ok, true);
    assert.equal(matchesDependency(withData([{ path: 'body.ok', type: 'bool', value: ['false'] }]), event({ data }), NOON).ok, true);
    assert.equal(matchesDependency(withData([{ path: 'body.value', type: 'string', value: ['^75$'] }]), event({ data }), NOON).ok, true);
  });

  it('fails on a bad regex, a bad number or missing data with a reason instead of throwing', () => {
    fails(matchesDependency(withData([{ path: 'body.kind', type: 'string', value: ['(unclosed'] }]), event({ data }), NOON), /not a valid regular expression/);
    fails(matchesDependency(withData([{ path: 'body.value', type: 'number', value: ['lots'] }]), event({ data }), NOON), /filter value "lots" is not a number/);
    fails(matchesDependency(withData([{ path: 'x', type: 'string', value: ['.'] }]), event({ data: undefined }), NOON), /the event has no data/);
  });

  it('applies a template to the value before comparing', () => {
    const d = withData([{ path: 'body.kind', type: 'string', template: '{{ value.split("-")[1] }}', value: ['^2024$'] }]);
    assert.equal(matchesDependency(d, event({ data }), NOON).ok, true);
  });

  it('combines data filters with and (default) and or', () => {
    const filters: DataFilter[] = [
      { path: 'body.value', type: 'number', comparator: '<', value: ['10'] },
      { path: 'body.kind', type: 'string', value: ['invoice'] },
    ];
    fails(matchesDependency(withData(filters), event({ data }), NOON), /data\[0\] body.value: 75 is not < "10"/);
    assert.equal(matchesDependency(withData(filters, { dataLogicalOperator: 'or' }), event({ data }), NOON).ok, true);
    const bothFail = [filters[0]!, { ...filters[1]!, value: ['memo'] }];
    fails(matchesDependency(withData(bothFail, { dataLogicalOperator: 'or' }), event({ data }), NOON), /none of the data filters passed: data\[0\].*; data\[1\]/);
  });
});

describe('expression filters', () => {
  const data = { a: 'b', c: 10, d: { e: false } };

  it('evaluates CEL over event and data', () => {
    const d = dep({ filters: { exprs: [{ expr: 'data.a == "b" && event.type.startsWith("dev.")' }, { expr: 'data.c > 5' }] } });
    assert.equal(matchesDependency(d, event({ data }), NOON).ok, true);
    const failing = dep({ filters: { exprs: [{ expr: 'data.c > 50' }] } });
    fails(matchesDependency(failing, event({ data }), NOON), /exprs\[0\] "data.c > 50" is false/);
  });

  it('binds Argo-style fields', () => {
    const d = dep({ filters: { exprs: [{ expr: 'e == false', fields: [{ name: 'e', path: 'd.e' }] }] } });
    assert.equal(matchesDependency(d, event({ data }), NOON).ok, true);
    const missing = dep({ filters: { exprs: [{ expr: 'e', fields: [{ name: 'e', path: 'nope' }] }] } });
    fails(matchesDependency(missing, event({ data }), NOON), /field e: no "nope"/);
  });

  it('reports CEL errors and non-boolean results', () => {
    fails(matchesDependency(dep({ filters: { exprs: [{ expr: 'data.missing > 1' }] } }), event({ data }), NOON), /exprs\[0\].*No such key/);
    fails(matchesDependency(dep({ filters: { exprs: [{ expr: 'data.c' }] } }), event({ data }), NOON), /must be true or false/);
    fails(matchesDependency(dep({ filters: { exprs: [{ expr: 'data.c >' }] } }), event({ data }), NOON), /exprs\[0\]/);
  });

  it('or passes when any expression holds', () => {
    const d = dep({ filters: { exprLogicalOperator: 'or', exprs: [{ expr: 'data.c != 10' }, { expr: 'data.d.e == false' }] } });
    assert.equal(matchesDependency(d, event({ data }), NOON).ok, true);
  });
});

describe('time filter', () => {
  const at = (iso: string) => event({ time: iso });

  it('uses [start, stop) in UTC by default', () => {
    const d = dep({ filters: { time: { start: '02:30:00', stop: '04:30:00' } } });
    assert.equal(matchesDependency(d, at('2024-05-01T02:30:00Z'), NOON).ok, true);
    fails(matchesDependency(d, at('2024-05-01T04:30:00Z'), NOON), /time: 04:30:00 UTC is outside 02:30:00-04:30:00/);
  });

  it('spans midnight when stop is before start', () => {
    const d = dep({ filters: { time: { start: '22:00:00', stop: '02:00:00' } } });
    assert.equal(matchesDependency(d, at('2024-05-01T23:59:59Z'), NOON).ok, true);
    assert.equal(matchesDependency(d, at('2024-05-02T01:00:00Z'), NOON).ok, true);
    assert.equal(matchesDependency(d, at('2024-05-02T02:00:00Z'), NOON).ok, false);
    assert.equal(matchesDependency(d, at('2024-05-01T12:00:00Z'), NOON).ok, false);
  });

  it('reads the wall clock of a time zone, daylight saving included', () => {
    const d = dep({ filters: { time: { start: '09:00:00', stop: '17:00:00', timezone: 'America/New_York' } } });
    // 13:30Z is 09:30 EDT in May, 08:30 EST in January.
    assert.equal(matchesDependency(d, at('2024-05-01T13:30:00Z'), NOON).ok, true);
    fails(matchesDependency(d, at('2024-01-15T13:30:00Z'), NOON), /08:30:00 America\/New_York is outside/);
  });

  it('falls back to now when the event time is unreadable, and fails on an unknown zone', () => {
    const d = dep({ filters: { time: { start: '11:00:00', stop: '13:00:00' } } });
    assert.equal(matchesDependency(d, at('not a time'), NOON).ok, true);
    const bad = dep({ filters: { time: { start: '11:00:00', stop: '13:00:00', timezone: 'Mars/Olympus' } } });
    fails(matchesDependency(bad, at('2024-05-01T12:00:00Z'), NOON), /unknown time zone "Mars\/Olympus"/);
  });
});

describe('filtersLogicalOperator', () => {
  const filters: DependencyFilters = {
    exprs: [{ expr: 'data.n > 100' }],
    data: [{ path: 'n', type: 'number', value: ['5'] }],
    time: { start: '00:00:00', stop: '01:00:00' },
  };

  it('and needs every group, reporting the first failure in Argo order (exprs, data, time)', () => {
    fails(matchesDependency(dep({ filters }), event({ data: { n: 5 } }), NOON), /^exprs\[0\]/);
  });

  it('or needs any group, and reports every failure otherwise', () => {
    assert.equal(matchesDependency(dep({ filters, filtersLogicalOperator: 'or' }), event({ data: { n: 5 } }), NOON).ok, true);
    fails(matchesDependency(dep({ filters, filtersLogicalOperator: 'or' }), event({ data: { n: 6 } }), NOON), /no filter group passed: exprs\[0\].*; data\[0\].*; time:/);
  });
});
