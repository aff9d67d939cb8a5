// examples/document-ingestion: every bundled document is parsed and embedded once, and the index
// artifact holds all of them, with unit-length vectors.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { VectorIndex } from '../../examples/document-ingestion/tasks/build-index.js';
import { search } from '../../examples/document-ingestion/search.js';
import { chunkText } from '../../examples/document-ingestion/tasks/embedding.js';
import { EXAMPLES, exampleEnv, runExample, type ExampleEnv } from './helpers.js';

const DOCS = readdirSync(join(EXAMPLES, 'document-ingestion/docs')).filter((f) => f.endsWith('.txt')).sort();

describe('example: document-ingestion', () => {
  let env: ExampleEnv;
  before(async () => (env = await exampleEnv()));
  after(async () => env.close());

  it('parses and embeds each document once and indexes every chunk', async () => {
    const result = await runExample(env, 'document-ingestion/workflow.yaml');
    assert.equal(result.run.status, 'Succeeded', result.run.message);
    assert.ok(DOCS.length >= 8 && DOCS.length <= 12, `bundles 8-12 documents, found ${DOCS.length}`);

    const files = result.output('discover', 'files') as string[];
    assert.deepEqual(files, DOCS.map((name) => join('docs', name)));
    for (const task of ['parse', 'embed']) {
      const keys = result.iterations(task);
      assert.equal(keys.length, DOCS.length, `${task}: one iteration per document`);
      for (const key of keys) {
        assert.deepEqual(result.executions(key).map((e) => e.status), ['Succeeded'], `${key}: one successful attempt`);
      }
      assert.equal(result.status(task), 'Succeeded');
    }
    for (const key of result.iterations('parse')) assert.ok((result.output(key, 'words') as number) > 100, `${key} counted its words`);

    const perDocument = result.iterations('embed').map((key) => result.output(key, 'chunks') as number);
    assert.ok(perDocument.every((n) => n >= 3), `every document has a few chunks: ${perDocument.join(', ')}`);
    const chunks = perDocument.reduce((a, b) => a + b, 0);
    assert.deepEqual(result.run.outputs, { documents: DOCS.length, chunks });

    // One Dataset per parsed document, one vectors artifact per document, one index.
    const named = (name: string) => result.artifacts.filter((a) => a.name === name);
    assert.equal(named('document').length, DOCS.length);
    assert.equal(named('vectors').length, DOCS.length);
    const [indexArtifact, ...more] = named('index');
    assert.ok(indexArtifact && more.length === 0, 'exactly one index artifact');
    assert.equal(indexArtifact.task, 'index');
    assert.equal(indexArtifact.type, 'Dataset');

    const index = JSON.parse(readFileSync(indexArtifact.path, 'utf8')) as VectorIndex;
    assert.equal(index.documents, DOCS.length);
    assert.equal(index.chunks, chunks);
    assert.equal(index.dim, 64);
    assert.deepEqual(index.sources.map((s) => s.source), DOCS);
    assert.equal(index.vectors.length, chunks);
    for (const { vector, text } of index.vectors) {
      assert.equal(vector.length, 64);
      assert.ok(Math.abs(Math.hypot(...vector) - 1) < 1e-4, `unit norm for "${text.slice(0, 30)}..."`);
      assert.ok(text.length <= 400 || !text.slice(0, -1).match(/[.!?] /), 'only a single long sentence may exceed chunkSize');
    }

    // The vectors are good enough to find the right document.
    const best = (query: string) => search(index, query, 1)[0]?.source;
    assert.equal(best('chlorophyll light carbon dioxide sugars'), 'photosynthesis.txt');
    assert.equal(best('queen workers waggle dance nectar'), 'honeybees.txt');
    assert.equal(best('magma eruption ash'), 'volcanoes.txt');
  });

  it('takes chunkSize as a param: smaller chunks, more of them', async () => {
    const result = await runExample(env, 'document-ingestion/workflow.yaml', { chunkSize: 150 });
    assert.equal(result.run.status, 'Succeeded', result.run.message);
    const outputs = result.run.outputs as { documents: number; chunks: number };
    assert.equal(outputs.documents, DOCS.length);
    const indexArtifact = result.artifacts.find((a) => a.name === 'index')!;
    const index = JSON.parse(readFileSync(indexArtifact.path, 'utf8')) as VectorIndex;
    assert.equal(index.chunks, outputs.chunks);
    assert.ok(outputs.chunks > DOCS.length * 5, `150-character chunks: ${outputs.chunks}`);
  });

  it('reads another folder given as the docs param, and retries a document that fails to parse', async () => {
    const docs = mkdtempSync(join(tmpdir(), 'tandem-'));
    try {
      writeFileSync(join(docs, 'a.txt'), 'Title A\n\nFirst sentence here. Second sentence here.\n');
      mkdirSync(join(docs, 'b.txt')); // a folder named like a document: reading it fails every time
      const result = await runExample(env, 'document-ingestion/workflow.yaml', { docs });
      assert.equal(result.run.status, 'Failed');
      assert.deepEqual(result.output('discover', 'files'), [join(docs, 'a.txt'), join(docs, 'b.txt')]);
      assert.deepEqual(result.executions('parse[0]').map((e) => e.status), ['Succeeded']);
      assert.deepEqual(
        result.executions('parse[1]').map((e) => [e.status, e.exitCode]),
        [['Failed', 1], ['Failed', 1], ['Failed', 1]],
        'retry limit 2: three attempts in all',
      );
      assert.equal(result.status('parse'), 'Failed');
      assert.equal(result.status('embed'), 'Omitted');
      assert.equal(result.status('index'), 'Omitted');
    } finally {
      rmSync(docs, { recursive: true, force: true });
    }
  });
});

describe('example: document-ingestion chunking', () => {
  it('cuts only between sentences and keeps every word', () => {
    const text = 'One two three. Four five six! Seven eight nine? Ten.';
    assert.deepEqual(chunkText(text, 30), ['One two three. Four five six!', 'Seven eight nine? Ten.']);
    assert.deepEqual(chunkText(text, 5), ['One two three.', 'Four five six!', 'Seven eight nine?', 'Ten.']);
    assert.deepEqual(chunkText(text, 1000), [text]);
  });
});
