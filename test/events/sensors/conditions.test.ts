import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConditionError, compileCondition, conditionDependencies, conditionHolds, parseDependencyExpression } from '../../../src/events/sensors/conditions.js';

function holds(condition: string, satisfied: string[]): boolean {
  return conditionHolds(parseDependencyExpression(condition), new Set(satisfied));
}

function syntaxError(condition: string): ConditionError {
  try {
    parseDependencyExpression(condition);
  } catch (error) {
    assert.ok(error instanceof ConditionError, `expected a ConditionError, got ${String(error)}`);
    return error;
  }
  assert.fail(`${condition} parsed`);
}

describe('condition parsing and evaluation', () => {
  it('gives && precedence over || and honours parentheses', () => {
    assert.equal(holds('a || b && c', ['a']), true);
    assert.equal(holds('(a || b) && c', ['a']), false);
    assert.equal(holds('(a || b) && c', ['b', 'c']), true);
    assert.equal(holds('a && (b || c)', ['a', 'c']), true);
    assert.equal(holds('((a))', ['a']), true);
    assert.deepEqual(conditionDependencies(parseDependencyExpression('a && (b || a) && c_2')), ['a', 'b', 'c_2']);
  });

  it('rejects what Argo Events does not support, naming the column', () => {
    const negation = syntaxError('a && (b || !c)');
    assert.equal(negation.offset, 11);
    assert.match(negation.message, /negation \("!"\) at column 12 is not supported/);
    assert.match(syntaxError('a & b').message, /single "&" at column 3: use "&&"/);
    assert.match(syntaxError('a || ').message, /expected a dependency name or "\(", found the end of the condition/);
    assert.match(syntaxError('(a || b').message, /expected "\)" to close "\(" at column 1, found the end/);
    assert.match(syntaxError('a b').message, /expected && or \|\| before "b" at column 3/);
    assert.match(syntaxError('a) && b').message, /unmatched "\)" at column 2/);
    assert.match(syntaxError('test-dep').message, /"-" at column 5: dependency names are letters, digits and _/);
    assert.match(syntaxError('a == b').message, /unexpected "=" at column 3/);
    assert.match(syntaxError('   ').message, /the condition is empty/);
  });

  it('compiles the default condition as every dependency ANDed', () => {
    const compiled = compileCondition(undefined, ['a', 'b', 'c']);
    assert.equal(compiled.source, 'a && b && c');
    assert.equal(compiled.holds(new Set(['a', 'b'])), false);
    assert.equal(compiled.holds(new Set(['a', 'b', 'c'])), true);
  });

  it('lists unknown dependency names as errors', () => {
    assert.throws(() => compileCondition('a && nope || other', ['a', 'b']), (error: unknown) => {
      assert.ok(error instanceof ConditionError);
      assert.match(error.message, /unknown dependencies "nope", "other" \(first at column 6\); declared: a, b/);
      return true;
    });
  });
});
