// CEL cost (limits.celCost) and template size (limits.templateBytes) at evaluation: an expression
// that the data makes too costly is refused before it runs, one that fits runs as before, and the
// limits are read from the process's settings.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ExpressionError } from '../../src/errors.js';
import { compileCel, evaluateCondition } from '../../src/expr/cel.js';
import { renderString, renderText } from '../../src/expr/template.js';
import { DEFAULT_LIMITS, useLimits } from '../../src/util/limits.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('expression limits at evaluation', () => {
  afterEach(() => useLimits(DEFAULT_LIMITS));

  it('refuses nested comprehensions over data before evaluating them, and runs the same over small data', () => {
    const nested = 'params.l.all(x, params.l.all(y, params.l.all(z, x + y + z >= 0)))';
    assert.throws(
      () => evaluateCondition(nested, { params: { l: range(300) } }),
      (error: unknown) => error instanceof ExpressionError && /evaluating it would take about \d+ steps; the limit is 1000000 \(limits\.celCost\)/.test(error.message),
    );
    assert.equal(evaluateCondition(nested, { params: { l: range(20) } }), true);
    useLimits({ ...DEFAULT_LIMITS, celCost: 1e9 });
    assert.equal(evaluateCondition(nested, { params: { l: range(300) } }), true);
  });

  it('counts a comprehension variable by the largest list inside its range', () => {
    const rows = [range(2), range(2000)];
    const expression = 'params.rows.all(r, r.all(a, r.all(b, a + b >= 0)))';
    assert.throws(() => evaluateCondition(expression, { params: { rows } }), /limits\.celCost/);
    assert.equal(evaluateCondition(expression, { params: { rows: [range(2), range(20)] } }), true);
  });

  it('counts the strings concatenation builds', () => {
    const s = 'x'.repeat(200_000);
    assert.throws(() => compileCel(Array.from({ length: 10 }, () => 'params.s').join(' + ')).evaluate({ params: { s } }), /limits\.celCost/);
    assert.equal(compileCel('params.s + "!"').evaluate({ params: { s: 'hi' } }), 'hi!');
  });

  it('reads a plain reference without converting the context: a long list comes back as it is', () => {
    const items = range(500_000);
    const value = renderString('{{ tasks.list.outputs.items }}', { tasks: { list: { status: 'Succeeded', outputs: { items } } } });
    assert.equal(value, items);
    // Whole numbers keep the type CEL would give them back: a number.
    assert.equal(renderString('{{ params.n }}', { params: { n: 3 } }), 3);
    assert.throws(() => renderString('{{ params.missing }}', { params: {} }), ExpressionError);
  });

  it('refuses text templates that render past limits.templateBytes', () => {
    const s = 'y'.repeat(100_000);
    assert.throws(
      () => renderText('{{ params.s }}'.repeat(60), { params: { s } }),
      (error: unknown) => error instanceof ExpressionError && /renders to more than 1048576 characters; the limit is 1048576 \(limits\.templateBytes\)/.test(error.message),
    );
    assert.equal(renderText('{{ params.s }}'.repeat(10), { params: { s } }).length, 1_000_000);
    useLimits({ ...DEFAULT_LIMITS, templateBytes: 10 * 1024 * 1024 });
    assert.equal(renderText('{{ params.s }}'.repeat(60), { params: { s } }).length, 6_000_000);
  });
});
