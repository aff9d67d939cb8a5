import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TriggerParamError, resolveTriggerParams } from '../../../src/events/sensors/params.js';
import type { TriggerParam } from '../../../src/events/sensors/schema.js';
import { event } from './helpers.js';

const upload = event({ id: 'u1', type: 'docs.uploaded', subject: 'docs.pdf', data: { body: { file: 'a.pdf', pages: 12, tags: ['x', 'y'] }, header: { 'X-Id': ['7'] } } });
const tick = event({ sourceName: 'cron', id: 't1', data: { at: 'midnight' } });

function resolve(params: TriggerParam[], events = { doc: upload, tick }) {
  return resolveTriggerParams({ name: 'ingest', params }, events);
}

describe('resolveTriggerParams', () => {
  it('reads dataKey paths into data, keeping JSON types', () => {
    assert.deepEqual(
      resolve([
        { name: 'file', src: { dependencyName: 'doc', dataKey: 'body.file' } },
        { name: 'pages', src: { dependencyName: 'doc', dataKey: 'body.pages' } },
        { name: 'second', src: { dependencyName: 'doc', dataKey: 'body.tags.1' } },
        { name: 'header', src: { dependencyName: 'doc', dataKey: 'header.X-Id.0' } },
      ]),
      { file: 'a.pdf', pages: 12, second: 'y', header: '7' },
    );
  });

  it('reads CloudEvent attributes with context.*', () => {
    assert.deepEqual(
      resolve([
        { name: 'type', src: { dependencyName: 'doc', dataKey: 'context.type' } },
        { name: 'id', src: { dependencyName: 'doc', dataKey: 'context.id' } },
        { name: 'subject', src: { dependencyName: 'doc', dataKey: 'context.subject' } },
        { name: 'spec', src: { dependencyName: 'doc', dataKey: 'context.specversion' } },
      ]),
      { type: 'docs.uploaded', id: 'u1', subject: 'docs.pdf', spec: '1.0' },
    );
  });

  it('renders dataTemplate and evaluates expr', () => {
    assert.deepEqual(
      resolve([
        { name: 'label', src: { dependencyName: 'doc', dataTemplate: '{{ data.body.file }} ({{ data.body.pages }} pages)' } },
        { name: 'typed', src: { dependencyName: 'doc', dataTemplate: '{{ data.body.tags }}' } },
        { name: 'double', src: { dependencyName: 'doc', expr: 'data.body.pages * 2' } },
        { name: 'both', src: { expr: 'events.doc.data.body.file + "@" + events.tick.data.at' } },
      ]),
      { label: 'a.pdf (12 pages)', typed: ['x', 'y'], double: 24, both: 'a.pdf@midnight' },
    );
  });

  it('uses the only event when no dependency is named, and value as default or literal', () => {
    assert.deepEqual(
      resolveTriggerParams(
        {
          name: 't',
          params: [
            { name: 'file', src: { dataKey: 'body.file' } },
            { name: 'missing', src: { dataKey: 'body.nope', value: 'fallback' } },
            { name: 'broken', src: { expr: 'data.body.nope + 1', value: 0 } },
            { name: 'literal', src: { value: { fixed: true } } },
          ],
        },
        { doc: upload },
      ),
      { file: 'a.pdf', missing: 'fallback', broken: 0, literal: { fixed: true } },
    );
  });

  it('names the trigger, the param and what was missing', () => {
    assert.throws(
      () => resolve([{ name: 'file', src: { dependencyName: 'doc', dataKey: 'body.missing.x' } }]),
      (error: unknown) => {
        assert.ok(error instanceof TriggerParamError);
        assert.equal(error.trigger, 'ingest');
        assert.equal(error.param, 'file');
        assert.match(error.message, /trigger ingest, param file: dataKey "body.missing.x" not found in the event of dependency doc: no "missing" in "body"/);
        return true;
      },
    );
    assert.throws(() => resolve([{ name: 'p', src: { dataKey: 'body.file' } }]), /param p: no dependencyName, and the firing has 2 events \(doc, tick\): name the dependency/);
    assert.throws(() => resolve([{ name: 'p', src: { dependencyName: 'other', dataKey: 'x' } }]), /dependency other has no event in this firing/);
    assert.throws(() => resolve([{ name: 'p', src: { dependencyName: 'doc', expr: 'data.nope' } }]), /param p: expr failed for dependency doc: .*No such key: nope/);
  });
});
