// Property tests: filters never throw whatever the event and the filter set, validation turns
// any document into issues (never an exception), and conditions mean what they say.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SpecValidationError } from '../../../src/errors.js';
import type { IncomingEvent } from '../../../src/events/model.js';
import { conditionHolds, parseDependencyExpression } from '../../../src/events/sensors/conditions.js';
import { matchesDependency } from '../../../src/events/sensors/filters.js';
import { RateLimiter } from '../../../src/events/sensors/rate-limit.js';
import type { Dependency } from '../../../src/events/sensors/schema.js';
import { sensorIssues, validateSensor } from '../../../src/events/sensors/validate.js';

const key = fc.constantFrom('body', 'items', 'size', '0', '1', 'kind', 'a.b', 'x\\.y', '', 'n');
const path = fc.array(key, { minLength: 1, maxLength: 4 }).map((keys) => keys.join('.'));
const shortText = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('(', '[a-', '^x$', '.*', '\\', '12', '-3.5', 'true', 'F', '1e3', 'NaN'));
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const eventArb: fc.Arbitrary<IncomingEvent> = fc.record({
  sourceName: fc.constantFrom('webhook', 'nats', 'cron'),
  id: fc.string(),
  source: fc.string(),
  type: fc.oneof(fc.constantFrom('a.b', 'a.b.c', 'x'), fc.string()),
  subject: maybe(fc.oneof(fc.constantFrom('docs.a', 'docs.a.b', ''), fc.string())),
  time: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string()),
  datacontenttype: fc.constant('application/json'),
  data: fc.oneof(
    fc.jsonValue(),
    fc.record({ body: fc.record({ items: fc.array(fc.record({ size: fc.oneof(fc.integer(), fc.string()) })), kind: fc.oneof(fc.string(), fc.integer(), fc.boolean()), size: fc.jsonValue() }) }),
    fc.constant(undefined),
  ),
}, { requiredKeys: ['sourceName', 'id', 'source', 'type', 'time', 'datacontenttype', 'data'] }) as fc.Arbitrary<IncomingEvent>;

const dataFilterArb = fc.record(
  {
    path,
    type: fc.oneof(fc.constantFrom('string', 'number', 'bool'), fc.string()),
    value: fc.oneof(fc.array(shortText, { maxLength: 3 }), fc.anything()),
    comparator: fc.oneof(fc.constantFrom('=', '!=', '>', '>=', '<', '<='), fc.string()),
    template: fc.oneof(fc.constantFrom('{{ value }}', '{{ data.body }}', '{{ value.size() }}', '{{', '{{ ) }}'), fc.string()),
  },
  { requiredKeys: ['path', 'type', 'value'] },
);

const exprArb = fc.record(
  {
    expr: fc.oneof(fc.constantFrom('data.n > 1', 'event.type == "a.b"', 'data', 'data.body.items[0].size > 2', '1 +', 'has(data.x)', 'x'), fc.string()),
    fields: fc.array(fc.record({ name: fc.constantFrom('x', 'y', 'bad name'), path })),
  },
  { requiredKeys: ['expr'] },
);

const timeArb = fc.record(
  {
    start: fc.oneof(fc.constantFrom('00:00:00', '22:00:00', '09:30:00', '25:00:00'), fc.string()),
    stop: fc.oneof(fc.constantFrom('02:00:00', '17:00:00', '09:30:00'), fc.string()),
    timezone: fc.oneof(fc.constantFrom('UTC', 'Europe/Paris', 'Asia/Kolkata', 'Not/AZone'), fc.string()),
  },
  { requiredKeys: ['start', 'stop'] },
);

const operator = fc.oneof(fc.constantFrom('and', 'or'), fc.string());

const dependencyArb = fc.record(
  {
    name: fc.constant('d'),
    eventSource: fc.constantFrom('webhook', 'nats'),
    eventType: fc.constantFrom('a.*', 'a.>', 'x', '>', '*'),
    subject: fc.constantFrom('docs.*', 'docs.>', 'docs..a'),
    filters: fc.oneof(
      fc.record({ data: fc.array(dataFilterArb, { maxLength: 3 }), dataLogicalOperator: operator, exprs: fc.array(exprArb, { maxLength: 3 }), exprLogicalOperator: operator, time: timeArb }, { requiredKeys: [] }),
      fc.anything(),
    ),
    filtersLogicalOperator: operator,
  },
  { requiredKeys: ['name', 'eventSource'] },
) as unknown as fc.Arbitrary<Dependency>;

describe('properties', () => {
  it('matchesDependency never throws, and every failure has a reason', () => {
    fc.assert(
      fc.property(dependencyArb, eventArb, fc.date({ noInvalidDate: true }), (dep, event, now) => {
        const result = matchesDependency(dep, event, now);
        assert.equal(typeof result.ok, 'boolean');
        if (!result.ok) assert.ok(typeof result.reason === 'string' && result.reason.length > 0);
        else assert.equal(result.reason, undefined);
      }),
      { numRuns: 1000 },
    );
  });

  it('matchesDependency survives garbage in place of the dependency and the event', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (dep, event) => {
        const result = matchesDependency(dep as Dependency, event as IncomingEvent, new Date(0));
        assert.equal(typeof result.ok, 'boolean');
      }),
      { numRuns: 300 },
    );
  });

  it('"and" of data filters passes exactly when each passes alone, "or" when any does', () => {
    const wellFormed = fc.record({
      path: fc.constantFrom('n', 'kind', 'missing'),
      type: fc.constantFrom('string' as const, 'number' as const),
      value: fc.array(fc.constantFrom('1', '2', 'pdf', '^d', '0.5'), { minLength: 1, maxLength: 3 }),
      comparator: fc.constantFrom('=' as const, '!=' as const, '>' as const, '<=' as const),
    });
    const data = fc.record({ n: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom('1', 'x')), kind: fc.constantFrom('pdf', 'doc', 'docx') });
    let passed = 0;
    fc.assert(
      fc.property(fc.array(wellFormed, { minLength: 1, maxLength: 4 }), data, (filters, payload) => {
        const event = { sourceName: 'webhook', id: '1', source: 's', type: 't', time: '2024-01-01T00:00:00Z', datacontenttype: 'application/json', data: payload };
        const alone = filters.map((f) => matchesDependency({ name: 'd', eventSource: 'webhook', filters: { data: [f] } }, event, new Date(0)).ok);
        const all = matchesDependency({ name: 'd', eventSource: 'webhook', filters: { data: filters } }, event, new Date(0)).ok;
        const any = matchesDependency({ name: 'd', eventSource: 'webhook', filters: { data: filters, dataLogicalOperator: 'or' } }, event, new Date(0)).ok;
        assert.equal(all, alone.every(Boolean));
        assert.equal(any, alone.some(Boolean));
        if (all) passed++;
      }),
      { numRuns: 500 },
    );
    assert.ok(passed > 10, `only ${passed} runs passed every filter; the generator is too narrow`);
  });

  const validDoc = () => ({
    name: 'demo',
    dependencies: [
      { name: 'a', eventSource: 'nats', subject: 'x.>', filters: { data: [{ path: 'n', type: 'number', value: ['1'] }], exprs: [{ expr: 'data.n > 0' }], time: { start: '01:00:00', stop: '02:00:00' } } },
      { name: 'b', eventSource: 'webhook' },
    ],
    conditions: 'a || b',
    conditionsReset: [{ byTime: { cron: '0 0 * * *' } }],
    triggers: [{ name: 't', workflow: 'w', params: [{ name: 'p', src: { dependencyName: 'a', dataKey: 'n' } }], retry: { steps: 1, duration: '1s' } }],
  });

  /** Replaces the value at a random path of the valid document with a random value. */
  const mutated = fc.tuple(fc.array(fc.nat({ max: 20 }), { minLength: 1, maxLength: 6 }), fc.anything()).map(([steps, replacement]) => {
    const doc = validDoc() as unknown as Record<string, unknown>;
    let node: Record<string, unknown> = doc;
    for (let i = 0; i < steps.length; i++) {
      const keys = Object.keys(node);
      if (keys.length === 0) break;
      const chosen = keys[steps[i]! % keys.length]!;
      const child = node[chosen];
      if (i === steps.length - 1 || child === null || typeof child !== 'object') {
        node[chosen] = replacement;
        break;
      }
      node = child as Record<string, unknown>;
    }
    return doc;
  });

  it('validation turns any document into issues, never an exception', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), mutated, mutated), (doc) => {
        const issues = sensorIssues(doc);
        assert.ok(Array.isArray(issues));
        for (const issue of issues) {
          assert.equal(typeof issue.path, 'string');
          assert.equal(typeof issue.message, 'string');
          assert.doesNotMatch(issue.message, /cannot validate the sensor/);
        }
        try {
          validateSensor(doc);
        } catch (error) {
          assert.ok(error instanceof SpecValidationError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a parsed condition evaluates like the expression it was printed from', () => {
    type Tree = { name: string } | { op: '&&' | '||'; left: Tree; right: Tree };
    const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constantFrom('a', 'b', 'c', 'd').map((name) => ({ name })),
        fc.record({ op: fc.constantFrom('&&' as const, '||' as const), left: tie('tree'), right: tie('tree') }),
      ),
    }));
    const print = (t: Tree): string => ('name' in t ? t.name : `(${print(t.left)} ${t.op} ${print(t.right)})`);
    const evaluate = (t: Tree, s: Set<string>): boolean => ('name' in t ? s.has(t.name) : t.op === '&&' ? evaluate(t.left, s) && evaluate(t.right, s) : evaluate(t.left, s) || evaluate(t.right, s));
    fc.assert(
      fc.property(tree, fc.subarray(['a', 'b', 'c', 'd']), (t, satisfied) => {
        const set = new Set(satisfied);
        assert.equal(conditionHolds(parseDependencyExpression(print(t)), set), evaluate(t, set));
      }),
      { numRuns: 500 },
    );
  });

  it('a rate limiter never lets more through than its burst plus what the elapsed time earns', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 200 }), (perSecond, gaps) => {
        const limiter = new RateLimiter({ requestsPerUnit: perSecond, unit: 'Second' });
        let now = 0;
        let taken = 0;
        for (const gap of gaps) {
          now += gap;
          if (limiter.tryTake(now)) taken++;
          else assert.ok(limiter.nextAvailable(now) > now);
        }
        assert.ok(taken <= perSecond + (now * perSecond) / 1000 + 1e-9);
      }),
      { numRuns: 300 },
    );
  });
});
