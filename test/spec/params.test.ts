import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../src/errors.js';
import { parseParamAssignments, resolveParams, type WorkflowSpec } from '../../src/spec/index.js';

const spec: WorkflowSpec = {
  name: 'wf',
  params: {
    n: { type: 'integer', default: 3 },
    rate: { type: 'number' },
    dry: { type: 'boolean', default: false },
    mode: { type: 'string', enum: ['fast', 'full'], default: 'fast' },
    config: { type: 'json', default: { a: [1] } },
  },
  tasks: [{ name: 'a', process: { command: 'x' } }],
};

function usage(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof UsageError, String(error));
    assert.match(error.message, pattern);
    return true;
  });
}

void test('defaults fill what is not given; defaults are copies', () => {
  const resolved = resolveParams(spec, { rate: 0.5 });
  assert.deepEqual(resolved, { n: 3, rate: 0.5, dry: false, mode: 'fast', config: { a: [1] } });
  (resolved.config as { a: number[] }).a.push(2);
  assert.deepEqual(spec.params?.config?.default, { a: [1] });
});

void test('command-line strings are coerced to the declared types', () => {
  const resolved = resolveParams(spec, { n: '5', rate: '1e-3', dry: 'TRUE', mode: 'full', config: '{"b": 2}' }, { fromStrings: true });
  assert.deepEqual(resolved, { n: 5, rate: 0.001, dry: true, mode: 'full', config: { b: 2 } });
});

void test('strings that do not fit the type name the param and what was expected', () => {
  usage(() => resolveParams(spec, { rate: '1', n: '5.5' }, { fromStrings: true }), /param "n": expected an integer, got "5\.5"/);
  usage(() => resolveParams(spec, { rate: 'fast' }, { fromStrings: true }), /param "rate": expected a number, got "fast"/);
  usage(() => resolveParams(spec, { rate: '', dry: 'yes' }, { fromStrings: true }), /2 problems with params:\n {2}param "rate": expected a number, got ""\n {2}param "dry": expected true or false, got "yes"/);
  usage(() => resolveParams(spec, { rate: '1', config: '{oops' }, { fromStrings: true }), /param "config": expected JSON, got "\{oops"/);
});

void test('typed values are checked without coercion', () => {
  usage(() => resolveParams(spec, { rate: '1' }), /param "rate" must be a number, got string "1"/);
  usage(() => resolveParams(spec, { rate: 1, n: 2.5 }), /param "n" must be an integer, got number 2\.5/);
});

void test('a required param without a value is an error', () => {
  usage(() => resolveParams(spec, {}), /missing required param "rate" \(number\)/);
});

void test('enum values are enforced', () => {
  usage(() => resolveParams(spec, { rate: 1, mode: 'slow' }), /param "mode" must be one of "fast", "full", got string "slow"/);
});

void test('unknown params are rejected with a suggestion', () => {
  usage(() => resolveParams(spec, { rate: 1, mdoe: 'full' }), /unknown param "mdoe" \(did you mean "mode"\?\): workflow "wf" takes n, rate, dry, mode, config/);
  usage(() => resolveParams({ name: 'bare', tasks: spec.tasks }, { x: 1 }), /workflow "bare" takes no params/);
});

void test('parseParamAssignments splits name=value at the first "="', () => {
  assert.deepEqual(parseParamAssignments(['n=5', 'query=a=b', 'empty=']), { n: '5', query: 'a=b', empty: '' });
  assert.throws(() => parseParamAssignments(['n5']), (e: unknown) => e instanceof UsageError && /invalid param "n5": expected name=value/.test(e.message));
  assert.throws(() => parseParamAssignments(['=5']), UsageError);
  assert.throws(() => parseParamAssignments(['n=1', 'n=2']), /param "n" is given twice/);
});
