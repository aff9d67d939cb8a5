// The example project file validates: its workflows load, its sources and sensors check out, and
// every sensor names a source and workflow the project has.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadProject } from '../../src/project/load.js';
import { EXAMPLES } from './helpers.js';

describe('example project (examples/tandem.yaml)', () => {
  it('loads with its workflows, sources and sensors', async () => {
    const project = await loadProject(join(EXAMPLES, 'tandem.yaml'));
    assert.deepEqual(project.catalog.list().map((e) => e.spec.name), ['conditional-dag', 'document-ingestion']);
    assert.deepEqual(
      project.eventSources.map((s) => [s.name, s.kind]),
      [
        ['uploads', 'nats'],
        ['github', 'webhook'],
        ['nightly', 'cron'],
      ],
    );
    assert.deepEqual(project.sensors.map((s) => s.name), ['ingest-on-upload', 'nightly-ingest', 'quality-gate-on-push']);
    assert.equal(project.server.port, 8080);
  });
});
