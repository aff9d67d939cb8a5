// celToGovaluate: each operator of the translatable subset, precedence and parentheses, literal
// quoting, how references are handed to the mapper, and the refusal of every other construct.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExpressionError } from '../../src/errors.js';
import { celToGovaluate, ExpressionTranslationError, parseCondition, quoteGovaluateString, type ReferenceUse } from '../../src/expr/govaluate.js';

/** Maps a reference to `{{a.b}}`, quoted when compared with a string literal. */
function argoLike(path: readonly string[], use: ReferenceUse): string {
  const tag = `{{${path.join('.')}}}`;
  return use.comparedWith === 'string' ? `'${tag}'` : tag;
}

const translate = (expression: string): string => celToGovaluate(expression, argoLike);

function rejects(expression: string, construct: RegExp): void {
  assert.throws(
    () => translate(expression),
    (error: unknown) => {
      assert.ok(error instanceof ExpressionTranslationError, `expected ExpressionTranslationError, got ${String(error)}`);
      assert.match(error.construct, construct);
      assert.match(error.message, /cannot translate/);
      assert.equal(error.expression, expression);
      return true;
    },
  );
}

void describe('celToGovaluate: operators', () => {
  for (const op of ['==', '!=', '<', '<=', '>', '>=']) {
    void it(`translates ${op}`, () => {
      assert.equal(translate(`params.n ${op} 3`), `{{params.n}} ${op} 3`);
    });
  }

  void it('translates && and ||', () => {
    assert.equal(translate('params.a == 1 && params.b == 2'), '{{params.a}} == 1 && {{params.b}} == 2');
    assert.equal(translate('params.a == 1 || params.b == 2'), '{{params.a}} == 1 || {{params.b}} == 2');
  });

  void it('translates ! with its operand always in parentheses', () => {
    assert.equal(translate('!params.flag'), '!({{params.flag}})');
    assert.equal(translate('!(params.n > 2)'), '!({{params.n}} > 2)');
    assert.equal(translate('!params.flag == true'), '(!({{params.flag}})) == true');
  });

  void it('translates in over a literal list into equalities', () => {
    assert.equal(translate("params.env in ['dev', 'test']"), "('{{params.env}}' == 'dev' || '{{params.env}}' == 'test')");
    assert.equal(translate('params.n in [1, 2.5, -3]'), '({{params.n}} == 1 || {{params.n}} == 2.5 || {{params.n}} == -3)');
    assert.equal(translate('params.n in []'), 'false');
  });

  void it('keeps a bare reference as the whole condition', () => {
    assert.equal(translate('tasks.check.outputs.ok'), '{{tasks.check.outputs.ok}}');
    assert.equal(translate('item.enabled'), '{{item.enabled}}');
    assert.equal(translate('item'), '{{item}}');
  });
});

void describe('celToGovaluate: precedence', () => {
  void it('binds && tighter than || as CEL does, and parenthesises when needed', () => {
    assert.equal(translate('params.a || params.b && params.c'), '{{params.a}} || {{params.b}} && {{params.c}}');
    assert.equal(translate('(params.a || params.b) && params.c'), '({{params.a}} || {{params.b}}) && {{params.c}}');
  });

  void it('drops redundant parentheses and keeps the tree', () => {
    assert.equal(translate('((params.n > 1))'), '{{params.n}} > 1');
    assert.equal(translate('(params.a && params.b) && params.c'), '{{params.a}} && {{params.b}} && {{params.c}}');
  });

  void it('parenthesises a comparison used as an operand of another comparison', () => {
    assert.equal(translate('(params.n > 1) == true'), '({{params.n}} > 1) == true');
  });

  void it('follows the CEL parser, which binds == and != looser than < <= > >=', () => {
    assert.equal(translate('params.a == params.b < params.c'), '{{params.a}} == ({{params.b}} < {{params.c}})');
    assert.equal(translate('params.a < params.b == params.c'), '({{params.a}} < {{params.b}}) == {{params.c}}');
  });

  void it('builds the tree with comparisons below && and ||', () => {
    const node = parseCondition('params.a == 1 || params.b < 2 && params.c');
    assert.equal(node.kind, 'logical');
    assert.ok(node.kind === 'logical' && node.op === '||' && node.right.kind === 'logical' && node.right.op === '&&');
  });
});

void describe('celToGovaluate: literals and references', () => {
  void it('quotes string literals with single quotes and escapes quotes and backslashes', () => {
    assert.equal(translate(`params.s == "it's"`), `'{{params.s}}' == 'it\\'s'`);
    assert.equal(translate(`params.s == 'say "hi"'`), `'{{params.s}}' == 'say \\"hi\\"'`);
    assert.equal(translate(String.raw`params.s == 'a\\b'`), String.raw`'{{params.s}}' == 'a\\b'`);
    assert.equal(quoteGovaluateString(`'"\\`), String.raw`'\'\"\\'`);
  });

  void it('decodes CEL escapes, raw strings and triple quotes', () => {
    assert.equal(translate(String.raw`params.s == 'a\tb'`), `'{{params.s}}' == 'a\tb'`);
    assert.equal(translate(String.raw`params.s == '\x41\u00e9'`), `'{{params.s}}' == 'Aé'`);
    assert.equal(translate(String.raw`params.s == r'a\tb'`), String.raw`'{{params.s}}' == 'a\\tb'`);
    assert.equal(translate(`params.s == '''x'y'''`), String.raw`'{{params.s}}' == 'x\'y'`);
  });

  void it('writes numbers in decimal and booleans as words', () => {
    assert.equal(translate('params.n == 0x10'), '{{params.n}} == 16');
    assert.equal(translate('params.n >= 0.75'), '{{params.n}} >= 0.75');
    assert.equal(translate('params.n == 3u'), '{{params.n}} == 3');
    assert.equal(translate('params.b == false'), '{{params.b}} == false');
  });

  void it('tells the mapper which literal type a reference is compared with', () => {
    const seen: Array<[string, ReferenceUse]> = [];
    celToGovaluate("params.a == 'x' && 2 < params.b && params.c == params.d && params.e", (path, use) => {
      seen.push([path.join('.'), use]);
      return 'X';
    });
    assert.deepEqual(seen, [
      ['params.a', { comparedWith: 'string' }],
      ['params.b', { comparedWith: 'number' }],
      ['params.c', {}],
      ['params.d', {}],
      ['params.e', {}],
    ]);
  });

  void it('passes the whole dotted path of a reference', () => {
    const paths: string[][] = [];
    celToGovaluate('tasks.prepare.outputs.rows > 0', (path) => {
      paths.push([...path]);
      return 'R';
    });
    assert.deepEqual(paths, [['tasks', 'prepare', 'outputs', 'rows']]);
  });
});

void describe('celToGovaluate: refused constructs', () => {
  const cases: Array<[string, RegExp]> = [
    ['size(params.list) > 0', /function call size\(\)/],
    ['params.name.startsWith("a")', /method call startsWith\(\)/],
    ['params.list.exists(x, x > 1)', /macro exists\(\)/],
    ['has(params.x)', /macro has\(\)/],
    ['params.a ? params.b : params.c', /ternary/],
    ['params.n + 1 > 2', /arithmetic operator "\+"/],
    ['params.n * 2 > 2', /arithmetic operator "\*"/],
    ['params.n % 2 == 0', /arithmetic operator "%"/],
    ['-params.n > 2', /negation of a non-literal/],
    ['params.list[0] == 1', /index access/],
    ["params.map['k'] == 1", /index access/],
    ['params.x in params.list', /other than a literal list/],
    ['params.x in [1, params.y]', /non-literal element/],
    ['[1, 2] == params.x', /list literal outside "in"/],
    ["{'a': 1} == params.x", /map or message literal/],
    ['params.x == null', /null literal/],
    ["params.x == b'abc'", /bytes literal/],
    ["params.s == 'a{{b'", /\{\{/],
    ['params.n == 1e30', /number/],
    ['(params.a).b == 1', /field selection on a computed value/],
    ["'x'.y == 1", /field selection on a computed value/],
    ['params.x in ([1, 2])', /other than a literal list/],
    ['params.x in [1 + 2]', /arithmetic operator "\+"/],
  ];
  for (const [expression, construct] of cases) {
    void it(`refuses ${expression}`, () => rejects(expression, construct));
  }

  void it('reports invalid CEL with the CEL parser’s ExpressionError', () => {
    assert.throws(() => translate('params.a ==='), ExpressionError);
    assert.throws(() => translate('(params.a'), ExpressionError);
  });

  void it('names the offset of the refused construct, from the CEL parser', () => {
    const offsetOf = (expression: string): number => {
      try {
        translate(expression);
      } catch (error) {
        if (error instanceof ExpressionTranslationError) return error.offset;
        throw error;
      }
      return assert.fail(`expected ${expression} to be refused`);
    };
    assert.equal(offsetOf('params.name.startsWith("a")'), 12);
    assert.equal(offsetOf('params.n + 1 > 2'), 9);
    assert.equal(offsetOf('params.list[0] == 1'), 11);
    assert.equal(offsetOf('params.a ? 1 : 2'), 9);
    assert.equal(offsetOf("params.s == 'a{{b'"), 12);
    assert.equal(offsetOf('params.x in ([1])'), 12);
  });

  void it('names the offset of a refused function call', () => {
    try {
      translate('params.a && size(params.b) > 1');
      assert.fail('expected a throw');
    } catch (error) {
      assert.ok(error instanceof ExpressionTranslationError);
      assert.equal(error.offset, 12);
      assert.equal(error.exitCode, 2);
    }
  });
});
