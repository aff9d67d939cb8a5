// Hundreds of bad requests, from generators, against a real control plane (`tandem serve` in this
// process: SQLite store, event pipeline, a webhook source): API bodies nested up to 100,000 deep,
// numbers JSON cannot hold, long strings, unicode and broken UTF-8, wrong types, missing fields,
// bad query params on every route that takes a number, wrong content types; webhook payloads of the
// same kinds, in JSON and MessagePack. Each must be a 4xx (a 5xx tells a sender to retry a request
// that can never succeed) whose `error` is its status's reason phrase and whose message names what
// was wrong; no request may hang; the server stays healthy afterwards.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { loadProject } from '../../src/project/load.js';
import { ControlPlane } from '../../src/server/control-plane.js';

const TOKEN = 'bad-requests-token-0123456789';
/** A hang fails the request (and the test) instead of stalling the suite; no answer comes near it. */
const REQUEST_BOUND_MS = 60_000;

const PROJECT = {
  workflows: ['wf.yaml'],
  eventSources: [{ name: 'hooks', webhook: { maxBodyBytes: 2 * 1024 * 1024 } }],
  // Fires only for `{"fire": "yes"}`: the deliveries below are recorded, and start nothing.
  sensors: [
    {
      name: 's',
      dependencies: [{ name: 'd', eventSource: 'hooks', filters: { data: [{ path: 'fire', type: 'string', value: ['^yes$'] }] } }],
      triggers: [{ name: 't', workflow: 'wf', params: [{ name: 'x', src: { dependencyName: 'd', dataKey: 'x', value: 'none' } }] }],
    },
  ],
  server: { tokens: [{ name: 't', token: { env: 'TANDEM_BAD_REQUESTS_TOKEN' }, namespaces: ['*'] }] },
};

interface Case {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  /** The status expected; any 4xx when absent. */
  status?: number;
  /** What the message must name. */
  mention?: RegExp;
  /** The `field` the answer must point at (a prefix). */
  field?: string;
}

const nestedJson = (depth: number, container: 'object' | 'array'): string =>
  container === 'object' ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}1${']'.repeat(depth)}`;
/** MessagePack built by hand: `depth` one-element arrays around a nil (an encoder refuses to go this deep). */
const nestedMsgpack = (depth: number): Buffer => Buffer.concat([Buffer.alloc(depth, 0x91), Buffer.from([0xc0])]);

const DEPTHS = [101, 150, 1_000, 5_000, 20_000, 100_000];
const BAD_NUMBERS = ['1e309', '-1e309', 'Infinity', '-Infinity', 'NaN', 'abc', '1.5', '0', '-1', '501', '99999999999999999999', '', '1e400', '0x', '%20', '1,2', '５'];
const LONG = [1_000, 100_000, 900_000];
const UNICODE = ['🙂', 'ℌ𝔢𝔩𝔩𝔬', 'עברית', '\u0000', '\ud800', 'e\u0301', '\ufeff', 'a\u202eb'];

function apiBodyCases(): Case[] {
  const runs = '/api/v1/workflows/wf/runs';
  const cases: Case[] = [];
  const post = (name: string, body: string, extra: Partial<Case> = {}): void => {
    cases.push({ name, method: 'POST', path: runs, body, contentType: 'application/json', status: 400, ...extra });
  };
  for (const depth of DEPTHS) {
    for (const container of ['object', 'array'] as const) {
      const deep = nestedJson(depth, container);
      post(`params.x nested ${depth} deep (${container})`, `{"params":{"x":${deep}}}`, { mention: /deeper than 100 levels/, field: '/body/params/x' });
      // j is a json param: any value is of its type, so only the depth limit stands between it and the run.
      post(`params.j nested ${depth} deep (${container})`, `{"params":{"x":"ok","j":${deep}}}`, { mention: /deeper than 100 levels/, field: '/body/params/j' });
      post(`an unknown field nested ${depth} deep (${container})`, `{"other":${deep}}`, { mention: /deeper than 100 levels/, field: '/body/other' });
      post(`the whole body nested ${depth} deep (${container})`, container === 'object' ? deep : `{"params":${deep}}`, { mention: /deeper than 100 levels/, field: '/body' });
    }
  }
  // At the limit the body is read, and its shape judged: x must be a string.
  post('params.x nested 99 deep', `{"params":{"x":${nestedJson(98, 'object')}}}`, { mention: /param "x" must be a string/, field: '/body/params' });
  // n is an integer param: a number JSON cannot hold exactly, or that is not a safe integer, is refused.
  for (const number of ['1e309', '-1e309', '1e400', '123456789012345678901234567890', '9007199254740993', '0.1']) {
    post(`params.n = ${number}`, `{"params":{"x":"ok","n":${number}}}`, { mention: /param "n" must be an integer/, field: '/body/params' });
  }
  for (const number of ['1e309', '-1e309', '1e400', '-0', '1e-400', '123456789012345678901234567890', '9007199254740993', '0.1']) {
    post(`params.x = ${number}`, `{"params":{"x":${number}}}`, { mention: /param "x" must be a string/, field: '/body/params' });
  }
  for (const literal of ['NaN', 'Infinity', '-Infinity', '01', '1.', '.5', '+1', '0x10']) post(`params.n = ${literal} (not JSON)`, `{"params":{"x":"ok","n":${literal}}}`, { mention: /JSON|Unexpected|token/i });
  for (const length of LONG) {
    const long = 'y'.repeat(length);
    post(`a ${length}-character unknown field`, JSON.stringify({ [long]: 1 }), { mention: /unknown field/ });
    post(`a ${length}-character lane`, JSON.stringify({ lane: long }), { mention: /lane must be one of kubeflow, argo, hybrid/, field: '/body/lane' });
    post(`a ${length}-character experiment`, JSON.stringify({ params: { x: 'ok' }, experiment: long }), { mention: /experiment/ });
    post(`a ${length}-character param name`, JSON.stringify({ params: { x: 'ok', [long]: 1 } }), { mention: /y{20}/ });
    cases.push({ name: `a ${length}-character Idempotency-Key`, method: 'POST', path: runs, body: '{"params":{"x":"ok"}}', contentType: 'application/json', headers: { 'idempotency-key': long }, status: length > 8000 ? 431 : 400, ...(length > 8000 ? {} : { mention: /idempotency-key must be at most 255 characters/, field: '/headers/idempotency-key' }) });
  }
  for (const text of UNICODE) {
    post(`unicode ${JSON.stringify(text)} as a lane`, JSON.stringify({ lane: text }), { mention: /lane must be one of/ });
    post(`unicode ${JSON.stringify(text)} as an unknown field`, JSON.stringify({ [text]: 1 }), { mention: /unknown field/ });
    post(`unicode ${JSON.stringify(text)} as a param name`, JSON.stringify({ params: { x: 'ok', [text]: 1 } }));
    post(`unicode ${JSON.stringify(text)} as params.n`, JSON.stringify({ params: { x: 'ok', n: text } }), { mention: /param "n" must be an integer/ });
  }
  for (const bytes of [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]]) {
    cases.push({ name: `bytes ${bytes.join(',')} that are not UTF-8`, method: 'POST', path: runs, body: Buffer.concat([Buffer.from('{"params":{"x":"'), Buffer.from(bytes), Buffer.from('"}}')]), contentType: 'application/json', status: 400, mention: /not UTF-8/, field: '/body' });
  }
  const wrongTypes: Array<[string, RegExp, string]> = [
    ['[]', /the body must be an object/, '/body'],
    ['"s"', /the body must be an object/, '/body'],
    ['5', /the body must be an object/, '/body'],
    ['true', /the body must be an object/, '/body'],
    ['{"params":5}', /params must be an object \(got 5\)/, '/body/params'],
    ['{"params":[]}', /params must be an object/, '/body/params'],
    ['{"params":"x"}', /params must be an object \(got "x"\)/, '/body/params'],
    ['{"params":null}', /params must be an object/, '/body/params'],
    ['{"lane":5}', /lane must be one of/, '/body/lane'],
    ['{"lane":null}', /lane must be one of/, '/body/lane'],
    ['{"lane":"Argo"}', /lane must be one of kubeflow, argo, hybrid \(got "Argo"\)/, '/body/lane'],
    ['{"experiment":5}', /experiment must be a string/, '/body/experiment'],
    ['{"experiment":""}', /experiment must be at least 1 character/, '/body/experiment'],
    ['{"params":{"x":5}}', /param "x" must be a string/, '/body/params'],
    ['{"params":{"x":null}}', /param "x" must be a string/, '/body/params'],
    ['{"params":{"x":{}}}', /param "x" must be a string/, '/body/params'],
    ['{"params":{"x":"ok","n":"abc"}}', /param "n" must be an integer/, '/body/params'],
    ['{"params":{"x":"ok","n":1.5}}', /param "n" must be an integer/, '/body/params'],
    ['{"params":{"x":"ok","n":true}}', /param "n" must be an integer/, '/body/params'],
    ['{"params":{}}', /missing required param "x"/, '/body/params'],
    ['{}', /missing required param "x"/, '/body/params'],
    ['{"params":{"x":"ok","__proto__":{"polluted":1}}}', /__proto__/, '/body/params/__proto__'],
    ['{"constructor":{"prototype":{"polluted":1}}}', /constructor/, '/body/constructor'],
    ['{"params":{"x":"ok"},"parms":{}}', /unknown field "parms"/, '/body/parms'],
  ];
  for (const [body, mention, field] of wrongTypes) post(`body ${body}`, body, { mention, field });
  for (const text of ['', '{', '{"params":', 'nul', '{"a":1,}', "{'a':1}", '\u0000']) post(`body ${JSON.stringify(text)} that is not JSON`, text, { mention: /JSON|Unexpected|body/i });
  for (const type of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/msgpack']) {
    cases.push({ name: `Content-Type ${type}`, method: 'POST', path: runs, body: '{"params":{"x":"ok"}}', contentType: type, status: 415, mention: /content-type|media type/i });
  }
  const compare = (body: string, mention: RegExp, status = 400): void => {
    cases.push({ name: `compare ${body}`, method: 'POST', path: '/api/v1/compare', body, contentType: 'application/json', status, mention });
  };
  compare('{}', /runIds|experiment/);
  compare('{"runIds":[]}', /runIds must hold at least 1 item/);
  compare('{"runIds":["only-one"]}', /two or more/);
  compare('{"runIds":["a","b"],"experiment":"e"}', /either/);
  compare('{"runIds":"a"}', /runIds must be an array/);
  compare('{"runIds":[1,2]}', /runIds\[0\] must be a string/);
  compare('{"experiment":"e","limit":1e309}', /limit must be at most 500/);
  compare('{"experiment":"e","limit":1}', /limit must be at least 2/);
  compare('{"experiment":"nope-nope"}', /experiment "nope-nope"/, 404);
  compare('{"runIds":["nope-1","nope-2"]}', /run "nope-1" not found/, 404);
  return cases;
}

function queryCases(): Case[] {
  const cases: Case[] = [];
  const get = (path: string, extra: Partial<Case> = {}): void => {
    cases.push({ name: `GET ${path.slice(0, 120)}`, method: 'GET', path, status: 400, ...extra });
  };
  const numeric: Array<[string, string, string]> = [
    ['/api/v1/runs', 'limit', ''],
    ['/api/v1/events', 'limit', ''],
    ['/api/v1/dead-letters', 'limit', ''],
    ['/api/v1/lineage/artifacts', 'depth', 'ref=abcdef&'],
    ['/api/v1/experiments/e/compare', 'limit', ''],
  ];
  for (const [route, name, prefix] of numeric) {
    for (const value of BAD_NUMBERS) get(`${route}?${prefix}${name}=${value}`, { mention: new RegExp(`\\b${name}\\b must be`), field: `/querystring/${name}` });
  }
  for (const [route, values] of [
    ['/api/v1/runs', ['bogus', 'running', 'Running,Failed', '']],
    ['/api/v1/events', ['bogus', 'Dispatched', '']],
  ] as const) {
    for (const value of values) get(`${route}?status=${encodeURIComponent(value)}`, { mention: /status(\[\d+\])? must be one of .* \(got "/, field: '/querystring/status' });
  }
  get('/api/v1/runs?status=Running&status=bogus', { mention: /status\[1\] must be one of Pending, Running, Succeeded, Failed, Error, Cancelled, Lost \(got "bogus"\)/ });
  get('/api/v1/lineage/artifacts?ref=abcdef&direction=sideways', { mention: /direction must be one of both, upstream, downstream \(got "sideways"\)/ });
  get('/api/v1/lineage/artifacts', { mention: /ref/ });
  get('/api/v1/lineage/artifacts?ref=abc', { mention: /6 hex digits/ });
  for (const route of ['/api/v1/runs', '/api/v1/events', '/api/v1/workflows', '/api/v1/dead-letters', '/api/v1/stream']) {
    get(`${route}?bogus=1`, { mention: /unknown field "bogus"/, field: '/querystring/bogus' });
  }
  for (const route of ['/api/v1/runs', '/api/v1/workflows', '/api/v1/stream']) get(`${route}?namespace=`, { mention: /namespace must be at least 1 character/ });
  get(`/api/v1/runs?before=${'z'.repeat(300)}`, { status: 404, mention: /not found/ });
  get('/api/v1/runs/nope/logs?task=nope', { status: 404, mention: /run "nope"/ });
  return cases;
}

function webhookCases(): Case[] {
  const cases: Case[] = [];
  const hook = (name: string, body: string | Buffer, contentType: string, extra: Partial<Case> = {}): void => {
    cases.push({ name: `webhook: ${name}`, method: 'POST', path: '/events/hooks', body, contentType, status: 400, ...extra });
  };
  for (const depth of DEPTHS) {
    for (const container of ['object', 'array'] as const) hook(`JSON nested ${depth} deep (${container})`, nestedJson(depth, container), 'application/json', { mention: /deeper than 100 levels/ });
    hook(`MessagePack nested ${depth} deep`, nestedMsgpack(depth), 'application/msgpack', { mention: /deeper than 100 levels/ });
    hook(`CloudEvent data nested ${depth} deep`, `{"specversion":"1.0","id":"1","source":"/s","type":"t","data":${nestedJson(depth, 'object')}}`, 'application/cloudevents+json', { mention: /deeper than 100 levels/ });
  }
  for (const text of ['{', '{"a":', 'nul', '{"a":1,}', "{'a':1}", '[1,2', '"unterminated']) hook(`JSON ${JSON.stringify(text)}`, text, 'application/json', { mention: /JSON/ });
  for (const bytes of [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80]]) hook(`bytes ${bytes.join(',')} that are not UTF-8`, Buffer.concat([Buffer.from('{"a":"'), Buffer.from(bytes), Buffer.from('"}')]), 'application/json', { mention: /UTF-8/ });
  for (const bytes of [[0xc1], [0x92, 0x01], [0xdd, 0xff, 0xff, 0xff, 0xff]]) hook(`MessagePack ${bytes.join(',')}`, Buffer.from(bytes), 'application/msgpack', { mention: /MessagePack/ });
  // Bodies that are well formed: recorded (202), never a 5xx.
  for (const number of ['1e308', '-1e308', '123456789012345678901234567890', '1e-400', '-0']) hook(`number ${number}`, `{"n":${number}}`, 'application/json', { status: 202 });
  for (const text of UNICODE) hook(`unicode ${JSON.stringify(text)}`, JSON.stringify({ [text]: text }), 'application/json', { status: 202 });
  for (const length of LONG) hook(`a ${length}-character string`, JSON.stringify({ s: 'y'.repeat(length) }), 'application/json', { status: 202 });
  hook('a body over maxBodyBytes', JSON.stringify({ s: 'y'.repeat(2 * 1024 * 1024 + 1) }), 'application/json', { status: 413, mention: /limit of 2097152 bytes/ });
  for (const event of [
    '{"specversion":"0.3","id":"1","source":"/s","type":"t"}',
    '{"specversion":"1.0","source":"/s","type":"t"}',
    '{"specversion":"1.0","id":"1","source":"/s","type":"t","time":"yesterday"}',
    '{"specversion":"1.0","id":"1","source":"/s","type":"t","data":1,"data_base64":"AA=="}',
    '[]',
  ]) {
    hook(`CloudEvent ${event}`, event, 'application/cloudevents+json', { mention: /CloudEvent/ });
  }
  return cases;
}

describe('bad requests: never a 5xx, always a named reason', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-bad-requests-'));
  let plane: ControlPlane;
  before(async () => {
    process.env.TANDEM_BAD_REQUESTS_TOKEN = TOKEN;
    writeFileSync(join(dir, 'wf.yaml'), 'name: wf\nparams:\n  x: { type: string }\n  n: { type: integer, default: 1 }\n  j: { type: json, default: {} }\ntasks:\n  - name: a\n    process: { command: /bin/true }\n');
    writeFileSync(join(dir, 'tandem.yaml'), stringify(PROJECT));
    const config = await loadConfig({ cwd: dir, env: {}, flags: { home: join(dir, 'home') } });
    plane = await ControlPlane.start({ project: await loadProject(join(dir, 'tandem.yaml')), config, port: 0 });
  });
  after(async () => {
    await plane.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = async (c: Case) => {
    const response = await fetch(`${plane.url}${c.path}`, {
      method: c.method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(c.contentType ? { 'content-type': c.contentType } : {}), ...c.headers },
      ...(c.body !== undefined ? { body: c.body } : {}),
      signal: AbortSignal.timeout(REQUEST_BOUND_MS),
    });
    return { status: response.status, text: await response.text() };
  };

  it('answers every generated bad request with a 4xx naming what was wrong', async () => {
    const cases = [...apiBodyCases(), ...queryCases(), ...webhookCases()];
    assert.ok(cases.length >= 200, `only ${cases.length} cases`);
    const failures: string[] = [];
    for (const c of cases) {
      const { status, text } = await send(c);
      const problems: string[] = [];
      if (status >= 500) problems.push(`a ${status}`);
      if (c.status !== undefined ? status !== c.status : status < 400 || status >= 500) problems.push(`status ${status}, expected ${c.status ?? '4xx'}`);
      if (status >= 400 && status !== 431) {
        let body: { error?: unknown; message?: unknown; field?: unknown } = {};
        try {
          body = JSON.parse(text) as typeof body;
        } catch {
          problems.push('a body that is not JSON');
        }
        if (body.error !== STATUS_CODES[status]?.toLowerCase()) problems.push(`error label ${JSON.stringify(body.error)} for a ${status}`);
        if (typeof body.message !== 'string' || body.message.length === 0) problems.push('no message');
        else if (c.mention && !c.mention.test(body.message)) problems.push(`message does not match ${String(c.mention)}`);
        if (typeof body.message === 'string' && /must be equal to constant|must match a schema in anyOf|must NOT have/.test(body.message)) problems.push('a validator message');
        if (c.field !== undefined && !(typeof body.field === 'string' && body.field.startsWith(c.field))) problems.push(`field ${JSON.stringify(body.field)}, expected ${c.field}…`);
      }
      if (problems.length > 0) failures.push(`${c.name}: ${problems.join('; ')} — ${text.slice(0, 240)}`);
    }
    assert.deepEqual(failures, [], `${failures.length} of ${cases.length} cases:\n${failures.join('\n')}`);
  });

  it('stays healthy and serves good requests afterwards', async () => {
    assert.equal((await fetch(`${plane.url}/healthz`)).status, 200);
    const started = await fetch(`${plane.url}/api/v1/workflows/wf/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ params: { x: 'fine' } }),
    });
    assert.equal(started.status, 201);
    const hook = await fetch(`${plane.url}/events/hooks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"fire":"yes","x":"hooked"}' });
    assert.equal(hook.status, 202);
    assert.equal(((await hook.json()) as { runIds: string[] }).runIds.length, 1);
  });
});
