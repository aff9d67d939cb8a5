// The KFP v2beta1 client against a tiny in-file server: the multipart upload (`uploadfile` and the
// query parameters the swagger file lists), the JSON-encoded `filter` parameter, and the paths of
// the calls (`/runs/{id}:terminate` keeps its colon).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { KfpClient } from '../../../src/engines/kfp/api/client.js';
import { kfpFilter } from '../../../src/engines/kfp/api/filter.js';
import { json, tinyServer, type TinyServer } from '../remote/tiny-server.js';

describe('KfpClient', () => {
  let server: TinyServer;
  let client: KfpClient;
  after(async () => {
    await client.close();
    await server.close();
  });

  it('starts a tiny server', async () => {
    server = await tinyServer((req, res) => {
      const path = new URL(req.url ?? '', 'http://x').pathname;
      if (path === '/apis/v2beta1/experiments' && req.method === 'GET') return json(res, 200, { experiments: [{ experiment_id: 'e1', display_name: 'nightly' }], total_size: 1 });
      json(res, 200, { pipeline_id: 'p1', run_id: 'r1' });
    });
    client = new KfpClient({ baseUrl: server.url });
  });

  it('uploads a pipeline as multipart with the file in `uploadfile` and the names as query parameters', async () => {
    const ir = 'pipelineInfo:\n  name: train\n';
    const pipeline = await client.uploadPipeline({ fileName: 'train.yaml', content: ir }, { name: 'train', displayName: 'Train', description: 'd' });
    assert.equal(pipeline.pipeline_id, 'p1');
    const got = server.received.at(-1);
    assert.equal(got?.method, 'POST');
    const url = new URL(got?.url ?? '', server.url);
    assert.equal(url.pathname, '/apis/v2beta1/pipelines/upload');
    assert.deepEqual(Object.fromEntries(url.searchParams), { name: 'train', display_name: 'Train', description: 'd' });
    const type = String(got?.headers['content-type']);
    assert.match(type, /^multipart\/form-data; boundary=/);
    const form = await new Response(got?.body, { headers: { 'content-type': type } }).formData();
    const file = form.get('uploadfile');
    assert.ok(file instanceof Blob);
    assert.equal(await file.text(), ir);
    assert.equal((file as File).name, 'train.yaml');
  });

  it('uploads a version with `pipelineid`', async () => {
    await client.uploadPipelineVersion('p1', { fileName: 'train.json', content: new TextEncoder().encode('{}') }, { name: 'v2' });
    const url = new URL(server.received.at(-1)?.url ?? '', server.url);
    assert.equal(url.pathname, '/apis/v2beta1/pipelines/upload_version');
    assert.deepEqual(Object.fromEntries(url.searchParams), { pipelineid: 'p1', name: 'v2' });
  });

  it('finds experiments by display name through a JSON-encoded filter', async () => {
    const found = await client.findExperiments('nightly run', 'team-a');
    assert.deepEqual(found.map((e) => e.experiment_id), ['e1']);
    const url = new URL(server.received.at(-1)?.url ?? '', server.url);
    assert.equal(url.searchParams.get('namespace'), 'team-a');
    assert.deepEqual(JSON.parse(url.searchParams.get('filter') ?? ''), { predicates: [{ key: 'display_name', operation: 'EQUALS', string_value: 'nightly run' }] });
  });

  it('kfpFilter encodes strings, integers and IN lists; no conditions is no filter', () => {
    assert.equal(kfpFilter([]), undefined);
    assert.deepEqual(JSON.parse(kfpFilter([{ key: 'state', value: ['RUNNING', 'PENDING'] }, { key: 'n', value: 3, operation: 'GREATER_THAN' }]) ?? ''), {
      predicates: [
        { key: 'state', operation: 'IN', string_values: { values: ['RUNNING', 'PENDING'] } },
        { key: 'n', operation: 'GREATER_THAN', int_value: 3 },
      ],
    });
    assert.throws(() => kfpFilter([{ key: 'n', value: 1.5 }]), /not an integer/);
  });

  it('each call sends the method and path the swagger file names', async () => {
    const calls: Array<[() => Promise<unknown>, string]> = [
      [() => client.healthz(), 'GET /apis/v2beta1/healthz'],
      [() => client.getPipelineByName('train', 'ns'), 'GET /apis/v2beta1/pipelines/names/train?namespace=ns'],
      [() => client.listPipelineVersions('p1', { pageSize: 5 }), 'GET /apis/v2beta1/pipelines/p1/versions?page_size=5'],
      [() => client.createExperiment({ display_name: 'nightly' }), 'POST /apis/v2beta1/experiments'],
      [() => client.getExperiment('e1'), 'GET /apis/v2beta1/experiments/e1'],
      [() => client.createRun({ display_name: 'r' }), 'POST /apis/v2beta1/runs'],
      [() => client.getRun('r1'), 'GET /apis/v2beta1/runs/r1'],
      [() => client.listRuns({ experimentId: 'e1' }), 'GET /apis/v2beta1/runs?experiment_id=e1'],
      [() => client.terminateRun('r1'), 'POST /apis/v2beta1/runs/r1:terminate'],
      [() => client.retryRun('r1'), 'POST /apis/v2beta1/runs/r1:retry'],
      [() => client.deleteRun('r1'), 'DELETE /apis/v2beta1/runs/r1'],
      [() => client.createRecurringRun({ display_name: 'nightly' }), 'POST /apis/v2beta1/recurringruns'],
      [() => client.getRecurringRun('c1'), 'GET /apis/v2beta1/recurringruns/c1'],
      [() => client.listRecurringRuns(), 'GET /apis/v2beta1/recurringruns'],
      [() => client.deleteRecurringRun('c1'), 'DELETE /apis/v2beta1/recurringruns/c1'],
    ];
    for (const [call, expected] of calls) {
      await call();
      const got = server.received.at(-1);
      assert.equal(`${got?.method} ${got?.url}`, expected);
    }
    assert.deepEqual(JSON.parse(server.received.find((r) => r.method === 'POST' && r.url === '/apis/v2beta1/runs')?.body.toString() ?? ''), { display_name: 'r' });
  });
});
