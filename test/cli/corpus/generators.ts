// Generators of malformed (and a few well-formed but hostile) workflow files, for the corpus test.
// Every generator is seeded, so the same cases come out on every machine and a failure names a
// case that can be made again. Kinds: deleted keys, swapped types, huge numbers, deep nesting,
// alias and merge-key bombs, CEL and template bombs, forEach bombs, long strings, unicode, CRLF,
// multi-document files, broken JSON and hostile TypeScript modules.
import { stringify } from 'yaml';
import { seededRandom as random } from '../../helpers/seeded-random.js';

export interface CorpusCase {
  /** File name in the corpus directory; unique. */
  file: string;
  content: string | Buffer;
  /** What `tandem validate` must say: invalid (exit 2), valid (exit 0), or either (a mutation that may leave it valid). */
  expect: 'invalid' | 'valid' | 'either';
  /** The kind of malformation, for the report. */
  kind: string;
  /** Checked in a process of its own (crashers: deep nesting, bombs, modules) rather than in a batch. */
  alone?: boolean;
  /** A limit or word the verdict must name (e.g. /limits\.nestingDepth/). */
  mentions?: RegExp;
  /** Also run with `tandem run`: the exit code it must end with and what its output must name. */
  run?: { exit: number; mentions?: RegExp; env?: Record<string, string> };
}


type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function base(): { [key: string]: Json } {
  return {
    name: 'corpus-base',
    description: 'the valid workflow every mutation starts from',
    params: { n: { type: 'integer', default: 3 }, who: { type: 'string', default: 'world' } },
    defaults: { retry: { limit: 1, backoff: { duration: '1s', factor: 2 } }, timeout: '1m' },
    tasks: [
      { name: 'prepare', process: { command: '/bin/sh', args: ['-c', 'echo "[1,2,3]"'] }, outputs: { rows: { type: 'json', stdout: true } } },
      { name: 'fan', forEach: '{{ tasks.prepare.outputs.rows }}', parallelism: 2, process: { command: '/bin/echo', args: ['{{ item }} {{ params.who }}'] } },
      { name: 'gate', dependsOn: ['fan'], when: 'params.n > 1', process: { command: '/bin/true' }, timeout: 30 },
      { name: 'range', forEach: { start: 1, end: 3 }, script: { source: 'echo "$TANDEM_ITEM"' } },
    ],
    finally: [{ name: 'tidy', process: { command: '/bin/echo', args: ['run {{ run.id }} {{ run.status }}'] } }],
  };
}

/** Every path into a JSON value, for picking where to mutate. */
function paths(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [];
  if (Array.isArray(value)) value.forEach((item, i) => out.push([...prefix, i], ...paths(item, [...prefix, i])));
  else if (value !== null && typeof value === 'object') for (const [key, inner] of Object.entries(value)) out.push([...prefix, key], ...paths(inner, [...prefix, key]));
  return out;
}

function parentOf(root: Json, path: Array<string | number>): { parent: Json[] | { [key: string]: Json }; key: string | number } {
  let node: Json = root;
  for (const segment of path.slice(0, -1)) node = (node as Record<string | number, Json>)[segment] as Json;
  return { parent: node as Json[] | { [key: string]: Json }, key: path[path.length - 1]! };
}

const serialize = (doc: Json, json: boolean): string => (json ? JSON.stringify(doc, null, 1) : stringify(doc));

function deletedKeys(count: number): CorpusCase[] {
  const pick = random(11);
  return Array.from({ length: count }, (_, i) => {
    const doc = base();
    const all = paths(doc);
    const path = all[Math.floor(pick() * all.length)]!;
    const { parent, key } = parentOf(doc, path);
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
    const json = i % 4 === 0;
    return { file: `deleted-${i}.${json ? 'json' : 'yaml'}`, content: serialize(doc, json), expect: 'either', kind: 'deleted key' };
  });
}

const SWAPS: Json[] = [42, -1, 3.5, '', 'text', true, false, null, [], [1, 'a'], {}, { x: 1 }];

function swappedTypes(count: number): CorpusCase[] {
  const pick = random(23);
  return Array.from({ length: count }, (_, i) => {
    const doc = base();
    const all = paths(doc);
    const path = all[Math.floor(pick() * all.length)]!;
    const { parent, key } = parentOf(doc, path);
    const current = (parent as Record<string | number, Json>)[key];
    const others = SWAPS.filter((s) => typeof s !== typeof current || Array.isArray(s) !== Array.isArray(current));
    (parent as Record<string | number, Json>)[key] = others[Math.floor(pick() * others.length)]!;
    const json = i % 3 === 0;
    return { file: `swapped-${i}.${json ? 'json' : 'yaml'}`, content: serialize(doc, json), expect: 'either', kind: 'swapped type' };
  });
}

const HUGE = ['1e308', '-1e308', '1e400', '.inf', '-.inf', '.nan', '9007199254740993', '18446744073709551616', '1e-320', '-0', '0x7fffffffffffffff', '1_000_000'];
const NUMERIC_FIELDS = [
  (n: string) => `  - name: a\n    forEach: { count: ${n} }\n    process: { command: /bin/true }\n`,
  (n: string) => `  - name: a\n    forEach: { start: 0, end: ${n}, step: 1 }\n    process: { command: /bin/true }\n`,
  (n: string) => `  - name: a\n    retry: { limit: ${n} }\n    process: { command: /bin/true }\n`,
  (n: string) => `  - name: a\n    timeout: ${n}\n    process: { command: /bin/true }\n`,
  (n: string) => `  - name: a\n    forEach: [1, 2]\n    parallelism: ${n}\n    process: { command: /bin/true }\n`,
  (n: string) => `  - name: a\n    synchronization: { semaphore: { name: s, limit: ${n} } }\n    process: { command: /bin/true }\n`,
];

function hugeNumbers(): CorpusCase[] {
  const out: CorpusCase[] = [];
  NUMERIC_FIELDS.forEach((field, f) => {
    HUGE.forEach((n, i) => {
      out.push({ file: `huge-${f}-${i}.yaml`, content: `name: huge\ntasks:\n${field(n)}`, expect: 'either', kind: 'huge number' });
    });
  });
  out.push({ file: 'huge-param.yaml', content: 'name: huge\nparams:\n  n: { type: integer, default: 1e400 }\ntasks:\n  - name: a\n    process: { command: /bin/true }\n', expect: 'invalid', kind: 'huge number' });
  return out;
}

function deepNesting(): CorpusCase[] {
  const out: CorpusCase[] = [];
  const task = (value: string) => `name: deep\ntasks:\n  - name: a\n    process: { command: /bin/true }\n    inputs:\n      x: ${value}\n`;
  for (const depth of [1001, 20_000, 100_000]) {
    const mentions = /limits\.nestingDepth/;
    out.push({ file: `deep-flow-seq-${depth}.yaml`, content: task(`${'['.repeat(depth)}${']'.repeat(depth)}`), expect: 'invalid', kind: 'deep nesting', alone: true, mentions });
    out.push({ file: `deep-flow-map-${depth}.yaml`, content: task(`${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`), expect: 'invalid', kind: 'deep nesting', alone: true, mentions });
    out.push({ file: `deep-block-seq-${depth}.yaml`, content: `name: deep\ntasks:\n  - name: a\n    process: { command: /bin/true }\n    inputs:\n      x:\n        ${'- '.repeat(depth)}1\n`, expect: 'invalid', kind: 'deep nesting', alone: true, mentions });
    out.push({ file: `deep-whole-${depth}.yaml`, content: `${'['.repeat(depth)}${']'.repeat(depth)}\n`, expect: 'invalid', kind: 'deep nesting', alone: true, mentions });
    out.push({ file: `deep-json-${depth}.json`, content: `{"name":"deep","tasks":[{"name":"a","process":{"command":"/bin/true"},"inputs":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}]}`, expect: 'invalid', kind: 'deep nesting', alone: true, mentions });
    out.push({ file: `deep-json-obj-${depth}.json`, content: `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`, expect: 'invalid', kind: 'deep nesting', alone: true, mentions });
  }
  // Block mappings nest by indentation: 1,001 levels of one space each.
  const lines = ['name: deep', 'tasks:', '  - name: a', '    process: { command: /bin/true }', '    inputs:'];
  for (let level = 0; level < 1001; level++) lines.push(`${' '.repeat(6 + level)}k${level}:`);
  lines.push(`${' '.repeat(6 + 1001)}v`);
  out.push({ file: 'deep-block-map-1001.yaml', content: `${lines.join('\n')}\n`, expect: 'invalid', kind: 'deep nesting', alone: true, mentions: /limits\.nestingDepth/ });
  // 250 levels stay within the limit (256): the document is valid.
  out.push({ file: 'deep-ok-250.yaml', content: task(`${'['.repeat(250)}${']'.repeat(250)}`), expect: 'valid', kind: 'deep nesting', alone: true });
  return out;
}

function aliasBombs(): CorpusCase[] {
  const laughs = (levels: number, width: number) => {
    const lines = ['name: bomb', 'x0: &x0 ["lol"]'];
    for (let level = 1; level <= levels; level++) lines.push(`x${level}: &x${level} [${Array.from({ length: width }, () => `*x${level - 1}`).join(', ')}]`);
    lines.push('tasks:', '  - name: a', '    process: { command: /bin/true }', `    inputs: { x: *x${levels} }`);
    return `${lines.join('\n')}\n`;
  };
  const merge = (levels: number) => {
    const lines = ['%YAML 1.1', '---', 'name: bomb'];
    lines.push('m0: &m0 { a: 1, b: 2, c: 3 }');
    for (let level = 1; level <= levels; level++) lines.push(`m${level}: &m${level} { <<: [*m${level - 1}], k${level}: [*m${level - 1}, *m${level - 1}, *m${level - 1}, *m${level - 1}] }`);
    lines.push('tasks:', '  - name: a', '    process: { command: /bin/true }', `    inputs: { x: *m${levels} }`);
    return `${lines.join('\n')}\n`;
  };
  return [
    { file: 'alias-laughs-9x9.yaml', content: laughs(9, 9), expect: 'invalid', kind: 'alias bomb', alone: true },
    { file: 'alias-laughs-20x2.yaml', content: laughs(20, 2), expect: 'invalid', kind: 'alias bomb', alone: true },
    { file: 'alias-laughs-4x30.yaml', content: laughs(4, 30), expect: 'invalid', kind: 'alias bomb', alone: true },
    { file: 'alias-laughs-2x3.yaml', content: laughs(2, 3), expect: 'invalid', kind: 'alias bomb' },
    { file: 'alias-merge-12.yaml', content: merge(12), expect: 'invalid', kind: 'merge-key bomb', alone: true },
    { file: 'alias-merge-3.yaml', content: merge(3), expect: 'invalid', kind: 'merge-key bomb' },
    { file: 'alias-undefined.yaml', content: 'name: a\ntasks: *nowhere\n', expect: 'invalid', kind: 'alias bomb' },
    { file: 'alias-self.yaml', content: 'name: a\nx: &a [*a]\ntasks: []\n', expect: 'invalid', kind: 'alias bomb' },
    { file: 'alias-task-reuse.yaml', content: 'name: a\ntasks:\n  - &t { name: a, process: { command: /bin/true } }\n  - *t\n', expect: 'invalid', kind: 'alias bomb' },
    { file: 'alias-many-anchors.yaml', content: `name: a\nx: [${Array.from({ length: 3000 }, (_, i) => `&a${i} ${i}`).join(', ')}]\ny: [${Array.from({ length: 3000 }, (_, i) => `*a${i}`).join(', ')}]\ntasks: []\n`, expect: 'invalid', kind: 'alias bomb', alone: true },
  ];
}

const list = (n: number) => `[${Array.from({ length: n }, (_, i) => i).join(',')}]`;

function celBombs(): CorpusCase[] {
  const out: CorpusCase[] = [];
  const when = (expression: string) => `name: cel\ntasks:\n  - name: a\n    when: ${JSON.stringify(expression)}\n    process: { command: /bin/true }\n`;
  // Nested comprehensions over literal lists: the literal sizes alone make them too costly.
  for (const [width, depth] of [[10, 7], [30, 5], [100, 4], [1000, 3], [20, 12]] as const) {
    let expression = 'true';
    for (let level = 0; level < depth; level++) expression = `${list(width)}.all(v${level}, ${expression})`;
    out.push({ file: `cel-nested-${width}x${depth}.yaml`, content: when(expression), expect: 'invalid', kind: 'CEL bomb', alone: true, mentions: /limits\.celCost/ });
  }
  let mapped = list(50);
  for (let level = 0; level < 5; level++) mapped = `${mapped}.map(x${level}, ${list(50)})`;
  // Chained, not nested: 5 x 50 x 50 steps, well within the limit.
  out.push({ file: 'cel-map-chain.yaml', content: when(`size(${mapped}) > 0`), expect: 'valid', kind: 'CEL bomb', alone: true });
  out.push({ file: 'cel-parens-400.yaml', content: when(`${'('.repeat(400)}true${')'.repeat(400)}`), expect: 'invalid', kind: 'CEL bomb' });
  out.push({ file: 'cel-long-sum.yaml', content: when(`${Array.from({ length: 60_000 }, () => '1').join(' + ')} > 0`), expect: 'invalid', kind: 'CEL bomb', alone: true });
  out.push({ file: 'cel-long-or.yaml', content: when(Array.from({ length: 20_000 }, () => 'false').join(' || ')), expect: 'either', kind: 'CEL bomb', alone: true });
  out.push({ file: 'cel-unclosed.yaml', content: when('params.n > ('), expect: 'invalid', kind: 'CEL bomb' });
  out.push({ file: 'cel-template-in-when.yaml', content: when('{{ params.n }} > 1'), expect: 'invalid', kind: 'CEL bomb' });
  out.push({ file: 'cel-not-bool.yaml', content: when('"text"'), expect: 'either', kind: 'CEL bomb' });
  out.push({ file: 'cel-unknown-function.yaml', content: when('nope(1) == 2'), expect: 'either', kind: 'CEL bomb' });
  // Bombs only the data makes: a param list of 300 items under three nested comprehensions.
  out.push({
    file: 'cel-runtime-nested.yaml',
    content: `name: cel-runtime\nparams:\n  l: { type: json, default: ${list(300)} }\ntasks:\n  - name: a\n    when: "params.l.all(x, params.l.all(y, params.l.all(z, x + y + z >= 0)))"\n    process: { command: /bin/true }\n`,
    expect: 'valid',
    kind: 'CEL bomb',
    alone: true,
    run: { exit: 1, mentions: /limits\.celCost/ },
  });
  out.push({
    file: 'cel-runtime-concat.yaml',
    content: `name: cel-concat\nparams:\n  s: { type: string, default: ${'x'.repeat(200_000)} }\ntasks:\n  - name: a\n    when: "size(${Array.from({ length: 10 }, () => 'params.s').join(' + ')}) > 0"\n    process: { command: /bin/true }\n`,
    expect: 'valid',
    kind: 'CEL bomb',
    alone: true,
    run: { exit: 1, mentions: /limits\.celCost/ },
  });
  return out;
}

function templateBombs(): CorpusCase[] {
  const arg = (text: string, extra = '') => `name: tpl\n${extra}tasks:\n  - name: a\n    process: { command: /bin/echo, args: [${JSON.stringify(text)}] }\n`;
  const out: CorpusCase[] = [
    { file: 'tpl-unclosed.yaml', content: arg('{{ params.x'), expect: 'invalid', kind: 'template bomb' },
    { file: 'tpl-empty.yaml', content: arg('{{ }}'), expect: 'invalid', kind: 'template bomb' },
    { file: 'tpl-nested.yaml', content: arg('{{ {{ params.x }} }}'), expect: 'invalid', kind: 'template bomb' },
    { file: 'tpl-unknown.yaml', content: arg('{{ params.nope }}'), expect: 'invalid', kind: 'template bomb' },
    { file: 'tpl-many-unknown.yaml', content: arg('{{ x }}'.repeat(5000)), expect: 'invalid', kind: 'template bomb', alone: true },
    { file: 'tpl-only-braces.yaml', content: arg('{{'.repeat(10_000)), expect: 'invalid', kind: 'template bomb' },
    { file: 'tpl-closers.yaml', content: arg('}}'.repeat(10_000)), expect: 'valid', kind: 'template bomb' },
    { file: 'tpl-cel-bomb.yaml', content: arg(`{{ ${list(100)}.map(a, ${list(100)}.map(b, ${list(100)}.map(c, a))) }}`), expect: 'invalid', kind: 'template bomb', mentions: /limits\.celCost/ },
  ];
  // Small file, large text: 60 placeholders of a 100 kB param render to 6 MB.
  out.push({
    file: 'tpl-runtime-growth.yaml',
    content: arg('{{ params.s }}'.repeat(60), `params:\n  s: { type: string, default: ${'y'.repeat(100_000)} }\n`),
    expect: 'valid',
    kind: 'template bomb',
    alone: true,
    run: { exit: 1, mentions: /limits\.templateBytes/ },
  });
  for (let i = 0; i < 12; i++) {
    const pick = random(100 + i);
    const pieces = Array.from({ length: 1 + Math.floor(pick() * 8) }, () => ['{{', '}}', '{{ params.n }}', 'text', '{', '}', '{{ 1 + }}', '{{ item }}'][Math.floor(pick() * 8)]!);
    out.push({ file: `tpl-random-${i}.yaml`, content: arg(pieces.join(''), 'params:\n  n: { type: integer, default: 1 }\n'), expect: 'either', kind: 'template bomb' });
  }
  return out;
}

function forEachBombs(): CorpusCase[] {
  const task = (forEach: string, extra = '') => `name: fanout\n${extra}tasks:\n  - name: fan\n    forEach: ${forEach}\n    process: { command: /bin/true }\n`;
  const mentions = /limits\.forEachItems/;
  const out: CorpusCase[] = [
    { file: 'foreach-count-1e8.yaml', content: task('{ count: 100000000 }'), expect: 'invalid', kind: 'forEach bomb', alone: true, mentions, run: { exit: 2, mentions } },
    { file: 'foreach-count-1e18.yaml', content: task('{ count: 1000000000000000000 }'), expect: 'invalid', kind: 'forEach bomb', alone: true, mentions },
    { file: 'foreach-count-1e300.yaml', content: task('{ count: 1e300 }'), expect: 'invalid', kind: 'forEach bomb', alone: true, mentions },
    { file: 'foreach-end-1e9.yaml', content: task('{ start: 0, end: 1000000000 }'), expect: 'invalid', kind: 'forEach bomb', alone: true, mentions, run: { exit: 2, mentions } },
    { file: 'foreach-negative-span.yaml', content: task('{ start: -1000000000, end: 1000000000, step: 7 }'), expect: 'invalid', kind: 'forEach bomb', alone: true, mentions },
    { file: 'foreach-down.yaml', content: task('{ start: 1000000000, end: 0, step: -1 }'), expect: 'invalid', kind: 'forEach bomb', alone: true, mentions },
    { file: 'foreach-step-0.yaml', content: task('{ start: 0, end: 10, step: 0 }'), expect: 'invalid', kind: 'forEach bomb' },
    { file: 'foreach-safe-int.yaml', content: task('{ start: 0, end: 9007199254740991 }'), expect: 'invalid', kind: 'forEach bomb', alone: true, mentions },
    { file: 'foreach-literal-10001.yaml', content: task(list(10_001)), expect: 'invalid', kind: 'forEach bomb', alone: true, mentions },
    { file: 'foreach-literal-10000.yaml', content: task(list(10_000)), expect: 'valid', kind: 'forEach bomb' },
    { file: 'foreach-json-literal.json', content: JSON.stringify({ name: 'fanout', tasks: [{ name: 'fan', forEach: { count: 50_000_000 }, process: { command: '/bin/true' } }] }), expect: 'invalid', kind: 'forEach bomb', alone: true, mentions },
    { file: 'foreach-empty-range.yaml', content: task('{ start: 5, end: 1 }'), expect: 'valid', kind: 'forEach bomb' },
    { file: 'foreach-neither.yaml', content: task('{ start: 5 }'), expect: 'invalid', kind: 'forEach bomb' },
    { file: 'foreach-both.yaml', content: task('{ end: 5, count: 5 }'), expect: 'invalid', kind: 'forEach bomb' },
    { file: 'foreach-not-a-list.yaml', content: task('"{{ params.n }}"', 'params:\n  n: { type: integer, default: 3 }\n'), expect: 'either', kind: 'forEach bomb' },
    { file: 'foreach-float-step.yaml', content: task('{ start: 0, end: 10, step: 0.5 }'), expect: 'invalid', kind: 'forEach bomb' },
  ];
  // The list comes from data: validation cannot see its length, the run refuses it.
  out.push({
    file: 'foreach-runtime-param.yaml',
    content: task('"{{ params.items }}"', `params:\n  items: { type: json, default: ${list(10_001)} }\n`),
    expect: 'valid',
    kind: 'forEach bomb',
    alone: true,
    run: { exit: 1, mentions },
  });
  out.push({
    file: 'foreach-runtime-upstream.yaml',
    content: `name: fanout-upstream\ntasks:\n  - name: list\n    process: { command: /bin/sh, args: [-c, "seq 0 200000 | paste -sd, - | sed 's/^/[/; s/$/]/'"] }\n    outputs: { items: { type: json, stdout: true } }\n  - name: fan\n    forEach: "{{ tasks.list.outputs.items }}"\n    process: { command: /bin/true }\n`,
    expect: 'valid',
    kind: 'forEach bomb',
    alone: true,
    run: { exit: 1, mentions, env: { TANDEM_LOG_CAP: '20MiB' } },
  });
  return out;
}

function longStrings(): CorpusCase[] {
  const workflow = (name: string, command: string, description = 'd') =>
    `name: ${name}\ndescription: ${JSON.stringify(description)}\ntasks:\n  - name: a\n    process: { command: ${JSON.stringify(command)} }\n`;
  const out: CorpusCase[] = [
    { file: 'long-name.yaml', content: workflow('n'.repeat(100_000), '/bin/true'), expect: 'invalid', kind: 'long string' },
    { file: 'long-description-ok.yaml', content: workflow('long', '/bin/true', 'd'.repeat(900_000)), expect: 'valid', kind: 'long string' },
    { file: 'long-description-2mb.yaml', content: workflow('long', '/bin/true', 'd'.repeat(2_000_000)), expect: 'invalid', kind: 'long string', alone: true, mentions: /limits\.documentBytes/ },
    { file: 'long-comment-3mb.yaml', content: `# ${'c'.repeat(3_000_000)}\n${workflow('long', '/bin/true')}`, expect: 'invalid', kind: 'long string', alone: true, mentions: /limits\.documentBytes/ },
    { file: 'long-key.yaml', content: `name: long\n${'k'.repeat(100_000)}: 1\ntasks:\n  - name: a\n    process: { command: /bin/true }\n`, expect: 'invalid', kind: 'long string' },
    { file: 'long-command-path.yaml', content: workflow('long', `/${'p'.repeat(70_000)}`), expect: 'valid', kind: 'long string', alone: true, run: { exit: 1, mentions: /ENAMETOOLONG/ } },
    { file: 'long-whitespace.yaml', content: `${' '.repeat(500_000)}\n${workflow('long', '/bin/true')}`, expect: 'either', kind: 'long string' },
    { file: 'long-task-name.yaml', content: `name: long\ntasks:\n  - name: ${'t'.repeat(200_000)}\n    process: { command: /bin/true }\n`, expect: 'valid', kind: 'long string' },
  ];
  // A 70 kB argument once deadlocked the perl spawner helper: it must run, with both helpers.
  for (const spawner of ['perl', 'node']) {
    out.push({
      file: `long-arg-70k-${spawner}.yaml`,
      content: `name: long-arg\ntasks:\n  - name: a\n    process: { command: /bin/sh, args: [-c, 'printf %s "$1" | wc -c', sh, ${JSON.stringify('a'.repeat(70_000))}] }\n`,
      expect: 'valid',
      kind: 'long string',
      alone: true,
      run: { exit: 0, env: { TANDEM_SPAWNER: spawner } },
    });
  }
  out.push({
    file: 'long-shell-command-70k.yaml',
    content: `name: long-shell\ntasks:\n  - name: a\n    process: { shell: true, command: ${JSON.stringify(`true ${'# comment '.repeat(7000)}`)} }\n`,
    expect: 'valid',
    kind: 'long string',
    alone: true,
    run: { exit: 0 },
  });
  return out;
}

function unicode(): CorpusCase[] {
  const named = (task: string, wf = 'uni') => `name: ${wf}\ntasks:\n  - name: ${task}\n    process: { command: /bin/echo, args: ["${task}"] }\n`;
  const names = ['tâche', 'задача', '任务', 'emoji_😀', 'zero\u200bwidth', 'rtl\u202eevil', 'e\u0301', 'ｆｕｌｌ', 'tab\there', 'nul\u0000byte', 'ǅ', '١٢٣'];
  const out: CorpusCase[] = names.map((task, i) => ({ file: `unicode-task-${i}.yaml`, content: named(JSON.stringify(task)), expect: 'invalid' as const, kind: 'unicode' }));
  const workflowNames = ['café', 'WORKFLOW', 'a'.repeat(64), '-lead', 'trail-', 'ok-😀'];
  workflowNames.forEach((wf, i) => out.push({ file: `unicode-wf-${i}.yaml`, content: named('a', JSON.stringify(wf)), expect: 'invalid', kind: 'unicode' }));
  out.push({ file: 'unicode-bom.yaml', content: `\ufeff${named('a')}`, expect: 'valid', kind: 'unicode' });
  out.push({ file: 'unicode-bom.json', content: `\ufeff${JSON.stringify({ name: 'uni', tasks: [{ name: 'a', process: { command: '/bin/true' } }] })}`, expect: 'either', kind: 'unicode' });
  out.push({ file: 'unicode-description.yaml', content: `name: uni\ndescription: "ünïcødé ✓ 日本語 \u202e"\ntasks:\n  - name: a\n    process: { command: /bin/true }\n`, expect: 'valid', kind: 'unicode' });
  out.push({ file: 'unicode-lone-surrogate.json', content: '{"name":"uni","description":"\\ud800","tasks":[{"name":"a","process":{"command":"/bin/true"}}]}', expect: 'either', kind: 'unicode' });
  out.push({ file: 'unicode-invalid-utf8.yaml', content: Buffer.concat([Buffer.from('name: uni\ndescription: "'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"\ntasks:\n  - name: a\n    process: { command: /bin/true }\n')]), expect: 'either', kind: 'unicode' });
  out.push({ file: 'unicode-nul-in-yaml.yaml', content: `name: uni\u0000\ntasks: []\n`, expect: 'invalid', kind: 'unicode' });
  out.push({ file: 'unicode-param-key.yaml', content: `name: uni\nparams:\n  "ключ": { type: string }\ntasks:\n  - name: a\n    process: { command: /bin/true }\n`, expect: 'invalid', kind: 'unicode' });
  out.push({ file: 'unicode-utf16.yaml', content: Buffer.from(`\ufeff${named('a')}`, 'utf16le'), expect: 'invalid', kind: 'unicode' });
  return out;
}

function lineEndings(): CorpusCase[] {
  const valid = serialize(base(), false);
  const out: CorpusCase[] = [
    { file: 'crlf-valid.yaml', content: valid.replace(/\n/g, '\r\n'), expect: 'valid', kind: 'CRLF' },
    { file: 'cr-only.yaml', content: valid.replace(/\n/g, '\r'), expect: 'invalid', kind: 'CRLF' },
    { file: 'crlf-json.json', content: JSON.stringify(base(), null, 2).replace(/\n/g, '\r\n'), expect: 'valid', kind: 'CRLF' },
    { file: 'crlf-block-scalar.yaml', content: 'name: crlf\r\ntasks:\r\n  - name: a\r\n    script:\r\n      source: |\r\n        echo one\r\n        echo two\r\n', expect: 'valid', kind: 'CRLF' },
    { file: 'crlf-tabs.yaml', content: 'name: crlf\r\ntasks:\r\n\t- name: a\r\n\t  process: { command: /bin/true }\r\n', expect: 'invalid', kind: 'CRLF' },
  ];
  const pick = random(37);
  for (let i = 0; i < 10; i++) {
    const mixed = valid.split('\n').map((line) => line + (pick() < 0.5 ? '\r' : '')).join('\n');
    out.push({ file: `crlf-mixed-${i}.yaml`, content: mixed, expect: 'either', kind: 'CRLF' });
  }
  return out;
}

function multiDocument(): CorpusCase[] {
  const one = 'name: multi\ntasks:\n  - name: a\n    process: { command: /bin/true }\n';
  return [
    { file: 'multi-two.yaml', content: `${one}---\n${one}`, expect: 'invalid', kind: 'multi-document', mentions: /second YAML document/ },
    { file: 'multi-three.yaml', content: `---\n${one}---\n${one}---\n${one}`, expect: 'invalid', kind: 'multi-document' },
    { file: 'multi-leading-marker.yaml', content: `---\n${one}`, expect: 'valid', kind: 'multi-document' },
    { file: 'multi-end-marker.yaml', content: `${one}...\n`, expect: 'valid', kind: 'multi-document' },
    { file: 'multi-end-then-garbage.yaml', content: `${one}...\n{[ not yaml\n`, expect: 'invalid', kind: 'multi-document' },
    { file: 'multi-empty-docs.yaml', content: '---\n---\n---\n', expect: 'invalid', kind: 'multi-document' },
    { file: 'multi-empty.yaml', content: '', expect: 'invalid', kind: 'multi-document' },
    { file: 'multi-comments-only.yaml', content: '# nothing\n# here\n', expect: 'invalid', kind: 'multi-document' },
    { file: 'multi-json-two.json', content: '{"name":"a","tasks":[]}{"name":"b","tasks":[]}', expect: 'invalid', kind: 'multi-document' },
    { file: 'multi-scalar.yaml', content: 'just a string\n', expect: 'invalid', kind: 'multi-document' },
    { file: 'multi-list.yaml', content: '- name: multi\n', expect: 'invalid', kind: 'multi-document' },
    { file: 'multi-directive-only.yaml', content: '%YAML 1.2\n---\n', expect: 'invalid', kind: 'multi-document' },
    { file: 'multi-bad-directive.yaml', content: `%YAML 9.9\n---\n${one}`, expect: 'either', kind: 'multi-document' },
    { file: 'multi-tag.yaml', content: `!!binary ${Buffer.from(one).toString('base64')}\n`, expect: 'invalid', kind: 'multi-document' },
    { file: 'multi-custom-tag.yaml', content: `name: !secret multi\ntasks:\n  - name: a\n    process: { command: /bin/true }\n`, expect: 'either', kind: 'multi-document' },
  ];
}

function brokenJson(count: number): CorpusCase[] {
  const text = JSON.stringify(base());
  const pick = random(53);
  const out: CorpusCase[] = [];
  for (let i = 0; i < count; i++) {
    const at = Math.floor(pick() * text.length);
    const op = i % 4;
    const broken = op === 0 ? text.slice(0, at) : op === 1 ? `${text.slice(0, at)}${text.slice(at + 1)}` : op === 2 ? `${text.slice(0, at)},${text.slice(at)}` : `${text.slice(0, at)}"${text.slice(at)}`;
    out.push({ file: `json-broken-${i}.json`, content: broken, expect: 'either', kind: 'broken JSON' });
  }
  out.push({ file: 'json-duplicate-key.json', content: '{"name":"a","name":"b","tasks":[{"name":"a","process":{"command":"/bin/true"}}]}', expect: 'invalid', kind: 'broken JSON' });
  out.push({ file: 'json-trailing-comma.json', content: '{"name":"a","tasks":[],}', expect: 'invalid', kind: 'broken JSON' });
  return out;
}

function modules(): CorpusCase[] {
  return [
    {
      file: 'module-deep.mjs',
      content: 'let x = 1;\nfor (let i = 0; i < 100000; i++) x = [x];\nexport default { name: "deep", tasks: [{ name: "a", process: { command: "/bin/true" }, inputs: { x } }] };\n',
      expect: 'invalid',
      kind: 'TypeScript module',
      alone: true,
      mentions: /limits\.nestingDepth/,
    },
    {
      file: 'module-shared-bomb.mjs',
      content: 'let x = ["lol"];\nfor (let i = 0; i < 60; i++) x = [x, x];\nexport default { name: "bomb", tasks: [{ name: "a", process: { command: "/bin/true" }, inputs: { x } }] };\n',
      expect: 'invalid',
      kind: 'TypeScript module',
      alone: true,
      mentions: /limits\.(documentBytes|nestingDepth)/,
    },
    {
      file: 'module-cycle.mjs',
      content: 'const x = { name: "cycle", tasks: [] };\nx.tasks.push({ name: "a", process: { command: "/bin/true" }, inputs: { self: x } });\nexport default x;\n',
      expect: 'invalid',
      kind: 'TypeScript module',
      alone: true,
    },
    {
      file: 'module-foreach.ts',
      content: 'export default { name: "fan", tasks: [{ name: "fan", forEach: { count: 100_000_000 }, process: { command: "/bin/true" } }] };\n',
      expect: 'invalid',
      kind: 'TypeScript module',
      alone: true,
      mentions: /limits\.forEachItems/,
    },
    { file: 'module-not-object.mjs', content: 'export default 42;\n', expect: 'invalid', kind: 'TypeScript module', alone: true },
    { file: 'module-throws.mjs', content: 'throw new RangeError("Maximum call stack size exceeded");\n', expect: 'invalid', kind: 'TypeScript module', alone: true },
  ];
}

/** The whole corpus, in a fixed order. */
export function corpus(): CorpusCase[] {
  return [
    ...deletedKeys(110),
    ...swappedTypes(130),
    ...hugeNumbers(),
    ...deepNesting(),
    ...aliasBombs(),
    ...celBombs(),
    ...templateBombs(),
    ...forEachBombs(),
    ...longStrings(),
    ...unicode(),
    ...lineEndings(),
    ...multiDocument(),
    ...brokenJson(40),
    ...modules(),
  ];
}
