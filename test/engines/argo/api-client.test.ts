// The Argo Server client's unary calls against a tiny in-file server: the method, path and body
// each sends (as the swagger file names them), and 409 on a repeated create, as Argo Server's e2e
// test shows it (TestHintWhenWorkflowExists: status 409, a body containing "already exists").
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ArgoClient } from '../../../src/engines/argo/api/client.js';
import { AlreadyExistsError } from '../../../src/engines/remote/errors.js';
import { json, tinyServer, type TinyServer } from '../remote/tiny-server.js';

describe('ArgoClient', () => {
  let server: TinyServer;
  let client: ArgoClient;
  const created = new Set<string>();
  after(async () => {
    await client.close();
    await server.close();
  });

  it('starts a tiny server', async () => {
    server = await tinyServer((req, res, body) => {
      const url = new URL(req.url ?? '', 'http://x');
      if (req.method === 'POST' && url.pathname === '/api/v1/workflows/argo') {
        const { workflow } = JSON.parse(body.toString()) as { workflow: { metadata: { name: string } } };
        if (created.has(workflow.metadata.name)) return json(res, 409, { code: 6, message: `workflows.argoproj.io "${workflow.metadata.name}" already exists` });
        created.add(workflow.metadata.name);
        return json(res, 200, workflow);
      }
      json(res, 200, { metadata: { name: 'answer' }, items: [] });
    });
    client = new ArgoClient({ baseUrl: server.url });
  });

  it('createWorkflow posts { namespace, workflow }; the same name again is AlreadyExistsError', async () => {
    const workflow = { metadata: { name: 'tandem-r1' }, spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine' } }] } };
    const made = await client.createWorkflow('argo', workflow);
    assert.equal(made.metadata.name, 'tandem-r1');
    assert.deepEqual(JSON.parse(server.received.at(-1)?.body.toString() ?? ''), { namespace: 'argo', workflow });
    await assert.rejects(client.createWorkflow('argo', workflow), (error: unknown) => {
      assert.ok(error instanceof AlreadyExistsError);
      assert.match(error.serverMessage, /already exists/);
      return true;
    });
  });

  it('each call sends the method, path and body the swagger file names', async () => {
    const calls: Array<[() => Promise<unknown>, string, string, unknown]> = [
      [() => client.getWorkflow('argo', 'wf'), 'GET', '/api/v1/workflows/argo/wf', undefined],
      [() => client.listWorkflows('argo', { labelSelector: 'a=b', resourceVersion: '5' }), 'GET', '/api/v1/workflows/argo?listOptions.labelSelector=a%3Db&listOptions.resourceVersion=5', undefined],
      [() => client.stopWorkflow('argo', 'wf', 'by tandem'), 'PUT', '/api/v1/workflows/argo/wf/stop', { namespace: 'argo', name: 'wf', message: 'by tandem' }],
      [() => client.terminateWorkflow('argo', 'wf'), 'PUT', '/api/v1/workflows/argo/wf/terminate', { namespace: 'argo', name: 'wf' }],
      [() => client.retryWorkflow('argo', 'wf', { restartSuccessful: false }), 'PUT', '/api/v1/workflows/argo/wf/retry', { namespace: 'argo', name: 'wf', restartSuccessful: false }],
      [() => client.resubmitWorkflow('argo', 'wf', { memoized: true }), 'PUT', '/api/v1/workflows/argo/wf/resubmit', { namespace: 'argo', name: 'wf', memoized: true }],
      [() => client.deleteWorkflow('argo', 'wf'), 'DELETE', '/api/v1/workflows/argo/wf', undefined],
      [() => client.createWorkflowTemplate('argo', { metadata: { name: 't' }, spec: {} }), 'POST', '/api/v1/workflow-templates/argo', { namespace: 'argo', template: { metadata: { name: 't' }, spec: {} } }],
      [() => client.listWorkflowTemplates('argo'), 'GET', '/api/v1/workflow-templates/argo', undefined],
      [() => client.deleteWorkflowTemplate('argo', 't'), 'DELETE', '/api/v1/workflow-templates/argo/t', undefined],
      [() => client.createCronWorkflow('argo', { metadata: { name: 'c' }, spec: { schedules: ['* * * * *'], workflowSpec: {} } }), 'POST', '/api/v1/cron-workflows/argo', { namespace: 'argo', cronWorkflow: { metadata: { name: 'c' }, spec: { schedules: ['* * * * *'], workflowSpec: {} } } }],
      [() => client.listCronWorkflows('argo', { labelSelector: 'x' }), 'GET', '/api/v1/cron-workflows/argo?listOptions.labelSelector=x', undefined],
      [() => client.deleteCronWorkflow('argo', 'c'), 'DELETE', '/api/v1/cron-workflows/argo/c', undefined],
    ];
    for (const [call, method, url, body] of calls) {
      await call();
      const got = server.received.at(-1);
      assert.equal(`${got?.method} ${got?.url}`, `${method} ${url}`);
      assert.deepEqual(got?.body.length ? JSON.parse(got.body.toString()) : undefined, body, url);
    }
  });
});
