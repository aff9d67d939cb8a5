// A corpus of malformed inputs — project files, sensor definitions, event payloads and API
// bodies, hand-written and generated with fast-check — each must get a clear 4xx or a validation
// error with a path; the server must never answer 500 nor crash.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { SpecLoadError, SpecValidationError } from '../../src/errors.js';
import { sensorIssues } from '../../src/events/sensors/validate.js';
import { loadProject } from '../../src/project/load.js';
import { ControlPlane } from '../../src/server/control-plane.js';

const TOKEN = 'malformed-corpus-token-0123';

const VALID_PROJECT = {
  workflows: ['wf.yaml'],
  eventSources: [{ name: 'hooks', webhook: { maxBodyBytes: 65536 } }],
  sensors: [{ name: 's', dependencies: [{ name: 'd', eventSource: 'hooks' }], triggers: [{ name: 't', workflow: 'wf', params: [{ name: 'x', src: { dependencyName: 'd', dataKey: 'x', value: 'none' } }] }] }],
  server: { tokens: [{ name: 't', token: { env: 'TANDEM_MALFORMED_TOKEN' }, namespaces: ['*'] }] },
};

describe('malformed inputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-malformed-'));
  let plane: ControlPlane;
  let checked = 0;
  before(async () => {
    process.env.TANDEM_MALFORMED_TOKEN = TOKEN;
    writeFileSync(join(dir, 'wf.yaml'), 'name: wf\nparams:\n  x: { type: string }\ntasks:\n  - name: a\n    process: { command: /bin/true }\n');
    writeFileSync(join(dir, 'tandem.yaml'), stringify(VALID_PROJECT));
    const config = await loadConfig({ cwd: dir, env: {}, flags: { home: join(dir, 'home') } });
    plane = await ControlPlane.start({ project: await loadProject(join(dir, 'tandem.yaml')), config, port: 0 });
  });
  after(async () => {
    await plane.stop();
    rmSync(dir, { recursive: true, force: true });
    assert.ok(checked >= 100, `only ${checked} malformed inputs were checked`);
  });

  /** A malformed project is refused with issues that have paths; `generated` inputs may happen to be valid. */
  async function expectProjectRejected(text: string, generated = false): Promise<void> {
    const file = join(dir, `bad-${checked}.yaml`);
    writeFileSync(file, text);
    checked++;
    try {
      await loadProject(file);
      if (!generated) throw new Error(`accepted a malformed project:\n${text}`);
    } catch (error) {
      if (error instanceof SpecValidationError) {
        assert.ok(error.issues.length > 0);
        for (const issue of error.issues) assert.equal(typeof issue.path, 'string', JSON.stringify(issue));
        return;
      }
      if (error instanceof SpecLoadError) return;
      if ((error as Error).message.startsWith('accepted a malformed')) throw error;
      throw new Error(`a malformed project crashed the loader: ${(error as Error).stack}\n--- input:\n${text}`);
    }
  }

  it('rejects hand-written malformed project files with a path', async () => {
    const cases = [
      'workflows: 5',
      'workflows: [missing.yaml]',
      'eventSources: [{ name: Bad_Name, webhook: {} }]',
      'eventSources: [{ name: x }]',
      'eventSources: [{ name: x, webhook: {}, cron: { schedules: ["* * * * *"] } }]',
      'eventSources: [{ name: x, cron: { schedules: ["not a cron"] } }]',
      'eventSources: [{ name: x, cron: { schedules: ["0 2 * * *"], timezone: Mars/Base } }]',
      'eventSources: [{ name: x, nats: { subject: a } }]',
      'eventSources: [{ name: x, nats: { url: "nats://h", subject: a, auth: { token: inline-secret } } }]',
      'eventSources: [{ name: x, webhook: { hmac: { secret: "inline" } } }]',
      'eventSources: [{ name: x, webhook: { maxBodyBytes: -5 } }]',
      'eventSources: [{ name: api, webhook: {} }]',
      'sensors: [{}]',
      'sensors: [{ name: s, dependencies: [], triggers: [] }]',
      'sensors: [{ name: s, dependencies: [{ name: d, eventSource: nowhere }], triggers: [{ name: t, workflow: wf }] }]',
      'workflows: [wf.yaml]\nsensors: [{ name: s, dependencies: [{ name: d, eventSource: api }], conditions: "d &&", triggers: [{ name: t, workflow: wf }] }]',
      'workflows: [wf.yaml]\nsensors: [{ name: s, dependencies: [{ name: d, eventSource: api, filters: { data: [{ path: a, type: number, value: [abc] }] } }], triggers: [{ name: t, workflow: wf }] }]',
      'workflows: [wf.yaml]\nsensors: [{ name: s, dependencies: [{ name: d, eventSource: api, filters: { exprs: [{ expr: "data.x >" }] } }], triggers: [{ name: t, workflow: wf }] }]',
      'server: { port: -1 }',
      'server: { tokens: [{ name: t, token: plain, namespaces: ["*"] }] }',
      'server: { tokens: [{ name: t, token: { env: X }, namespaces: [] }] }',
      'unknownKey: true',
      '- just\n- a\n- list',
      'workflows: [wf.yaml, wf.yaml]',
      '{ unclosed: [',
      'a: 1\na: 2',
      'namespace: Not_Valid',
      'sensors: [null]',
      'eventSources: [null]',
      'workflows: [null]',
    ];
    for (const text of cases) await expectProjectRejected(text);
  });

  it('rejects generated mutations of a valid project file with a path, never a crash', async () => {
    const mutation = fc.oneof(
      fc.record({ key: fc.constantFrom('workflows', 'eventSources', 'sensors', 'server', 'namespace'), value: fc.anything({ maxDepth: 2 }) }),
      fc.record({ key: fc.constant('eventSources'), value: fc.array(fc.record({ name: fc.string(), webhook: fc.anything({ maxDepth: 2 }) }), { maxLength: 2 }) }),
      fc.record({ key: fc.constant('sensors'), value: fc.array(fc.dictionary(fc.constantFrom('name', 'dependencies', 'triggers', 'conditions'), fc.anything({ maxDepth: 2 })), { maxLength: 2 }) }),
    );
    await fc.assert(
      fc.asyncProperty(mutation, async ({ key, value }) => {
        await expectProjectRejected(stringify({ ...VALID_PROJECT, [key]: value }), true);
      }),
      { numRuns: 60 },
    );
  });

  it('gives every generated sensor document issues or a valid sensor, never an exception', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4 }), (doc) => {
        checked++;
        const issues = sensorIssues(doc);
        for (const issue of issues) assert.equal(typeof issue.path, 'string');
      }),
      { numRuns: 40 },
    );
  });

  it('answers malformed event payloads and API bodies with 4xx, never 500, and stays up', async () => {
    const bodies = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ type: 'application/json', body: Buffer.from(bytes) })),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ type: 'application/msgpack', body: Buffer.from(bytes) })),
      fc.json().map((text) => ({ type: 'application/json', body: Buffer.from(text) })),
    );
    await fc.assert(
      fc.asyncProperty(bodies, async ({ type, body }) => {
        checked++;
        const hook = await fetch(`${plane.url}/events/hooks`, { method: 'POST', headers: { 'content-type': type }, body });
        assert.ok(hook.status === 202 || (hook.status >= 400 && hook.status < 500), `webhook answered ${hook.status}`);
        const api = await fetch(`${plane.url}/api/v1/workflows/wf/runs`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': type }, body });
        assert.ok((api.status >= 200 && api.status < 300) || (api.status >= 400 && api.status < 500), `API answered ${api.status}`);
        if (api.status === 400) assert.ok(((await api.json()) as { message?: string }).message);
      }),
      { numRuns: 40 },
    );
    const health = await fetch(`${plane.url}/healthz`);
    assert.equal(health.status, 200);
  });
});
