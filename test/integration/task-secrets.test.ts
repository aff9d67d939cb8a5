// Tasks never inherit the control plane's secrets. `tandem serve` (the built CLI, a real process)
// runs with four distinctive secrets in its environment: the API token and the webhook HMAC
// secret tandem.yaml names, the MLflow password it names (in use: the mirror authenticates to an
// MLflow double with it) and an unrelated SECRET_X. A workflow whose tasks print their whole
// environment (env, a script, a node module returning process.env as an output, an artifact of
// it) is started through the API and through a signed webhook; then every API answer (runs, logs,
// events, lineage, comparisons, the live stream...), every byte under the data directory (the
// SQLite files, logs, artifacts), what reached MLflow and the server's own output are searched:
// no secret anywhere, while the environment the tasks printed is there. `tandem run` is checked
// the same way, and inheritEnv passes exactly the variables it names.
import { strict as assert } from 'node:assert';
import { execFile, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startDouble, type MlflowDouble } from '../tracking/mlflow/double.js';
import { until } from './helpers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'tandem.js');
const execFileAsync = promisify(execFile);

const SECRETS: Record<string, string> = {
  TANDEM_API_TOKEN: `api-token-${randomBytes(12).toString('hex')}`,
  TANDEM_WEBHOOK_SECRET: `webhook-secret-${randomBytes(12).toString('hex')}`,
  MLFLOW_TRACKING_PASSWORD: `mlflow-password-${randomBytes(12).toString('hex')}`,
  SECRET_X: `secret-x-${randomBytes(12).toString('hex')}`,
};
const OPTED_IN = `opted-in-${randomBytes(6).toString('hex')}`;
const TASK_VARIABLES = new Set(['TANDEM_RUN_ID', 'TANDEM_TASK', 'TANDEM_ATTEMPT', 'TANDEM_OUTPUTS', 'TANDEM_INPUTS', 'TANDEM_METRICS', 'TANDEM_ITEM']);

const WORKFLOW = `name: printenv
type: ml-training
tasks:
  - name: dump
    process: { command: env }
  - name: shell
    script: { source: "env; echo SECRET_X is \${SECRET_X:-unset}" }
  - name: module
    node: { module: dump.mjs }
    outputs: { env: { type: json } }
  - name: file
    process: { command: /bin/sh, args: ["-c", "env > $TANDEM_OUTPUTS/env.txt"] }
    outputs: { env: { type: artifact, path: env.txt } }
  - name: opted
    process: { command: env, inheritEnv: [OPTED_IN, NOT_SET_ANYWHERE] }
`;

/** Which secrets occur in a text or in a file's bytes. */
function secretsIn(bytes: string | Buffer): string[] {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  return Object.entries(SECRETS)
    .filter(([, value]) => buffer.includes(value))
    .map(([name]) => name);
}

function filesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...filesUnder(path));
    else found.push(path);
  }
  return found;
}

/** Every file of the data directory holding a secret, by path. */
function leakedFiles(home: string): string[] {
  return filesUnder(home).flatMap((file) => secretsIn(readFileSync(file)).map((name) => `${file}: ${name}`));
}

/** The TANDEM_* names an `env` listing holds beyond the task variables. */
function foreignTandemNames(listing: string): string[] {
  return [...listing.matchAll(/^(TANDEM_[A-Z_]+)=/gm)].map((m) => m[1]!).filter((name) => !TASK_VARIABLES.has(name));
}

void describe('tasks do not inherit the secrets of tandem serve and tandem run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-task-secrets-'));
  let mlflow: MlflowDouble;
  before(async () => {
    assert.ok(existsSync(join(ROOT, 'dist')), 'this test runs the built CLI: npm run build first');
    mlflow = await startDouble({ token: SECRETS.MLFLOW_TRACKING_PASSWORD });
    writeFileSync(join(dir, 'printenv.yaml'), WORKFLOW);
    writeFileSync(join(dir, 'dump.mjs'), 'export default () => ({ env: process.env });\n');
    writeFileSync(
      join(dir, 'tandem.yaml'),
      `home: ./home
workflows: [printenv.yaml]
eventSources:
  - name: hooks
    webhook:
      hmac: { secret: { env: TANDEM_WEBHOOK_SECRET }, prefix: "sha256=" }
sensors:
  - name: on-hook
    dependencies: [{ name: hook, eventSource: hooks }]
    triggers: [{ name: dump_hook, workflow: printenv }]
mlflow:
  trackingUri: ${mlflow.url}
  token: { env: MLFLOW_TRACKING_PASSWORD }
server:
  port: 0
  tokens: [{ name: admin, token: { env: TANDEM_API_TOKEN }, namespaces: ["*"] }]
  shutdownGracePeriod: 5s
`,
    );
  });
  after(async () => {
    await mlflow?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The server's environment: this process's (as a shell would give it), the secrets and the opt-in. */
  const serverEnv = (): NodeJS.ProcessEnv => ({ ...process.env, ...SECRETS, OPTED_IN, TANDEM_CONCURRENCY: '4' });

  void it('tandem serve: no secret in any log, output, artifact, store file, API answer or MLflow record', async (t) => {
    const server = spawn(process.execPath, [BIN, '--config', join(dir, 'tandem.yaml'), 'serve'], { cwd: dir, env: serverEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => server.once('exit', (code) => done(code)));
    t.after(() => {
      if (server.exitCode === null) server.kill('SIGKILL');
    });
    const url = await new Promise<string>((ready, fail) => {
      createInterface({ input: server.stdout }).on('line', (line) => {
        const found = /at (http:\/\/\S+)/.exec(line)?.[1];
        if (found) ready(found);
      });
      void exited.then((code) => fail(new Error(`tandem serve exited (${code}) before it was ready:\n${output}`)));
    });

    const auth = { authorization: `Bearer ${SECRETS.TANDEM_API_TOKEN}` };
    const answers: Array<{ what: string; status: number; text: string }> = [];
    const call = async (path: string, init: RequestInit = {}): Promise<string> => {
      const response = await fetch(`${url}${path}`, { ...init, headers: { ...auth, ...(init.headers as Record<string, string> | undefined) } });
      const text = await response.text();
      answers.push({ what: `${init.method ?? 'GET'} ${path}`, status: response.status, text });
      return text;
    };

    // The live stream, read while the runs happen.
    const streamAbort = new AbortController();
    let streamed = '';
    const streamDone = fetch(`${url}/api/v1/stream`, { headers: auth, signal: streamAbort.signal })
      .then(async (response) => {
        const reader = response.body!.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          streamed += Buffer.from(value).toString();
        }
      })
      .catch(() => undefined);
    // The hub answers `connected` once it has subscribed: runs started after that are streamed.
    await until(() => streamed.includes(': connected'), () => `the stream to connect (got ${JSON.stringify(streamed)})`);

    const apiRun = JSON.parse(await call('/api/v1/workflows/printenv/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })) as { runId?: string; id?: string };
    const body = JSON.stringify({ note: 'hello' });
    const signature = `sha256=${createHmac('sha256', SECRETS.TANDEM_WEBHOOK_SECRET!).update(body).digest('hex')}`;
    const hook = await fetch(`${url}/events/hooks`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signature-256': signature }, body });
    const hookText = await hook.text();
    answers.push({ what: 'POST /events/hooks', status: hook.status, text: hookText });
    assert.equal(hook.status, 202, hookText);
    const { eventId, runIds } = JSON.parse(hookText) as { eventId: string; runIds: string[] };
    const runs = [apiRun.runId ?? apiRun.id ?? '', ...runIds];
    assert.equal(runs.length, 2, JSON.stringify(apiRun));

    const statusOf = async (id: string) => ((await (await fetch(`${url}/api/v1/runs/${id}`, { headers: auth })).json()) as { run?: { status?: string } }).run?.status;
    await until(
      async () => (await Promise.all(runs.map(statusOf))).every((s) => s === 'Succeeded' || s === 'Failed' || s === 'Error' || s === 'Cancelled'),
      async () => `runs ${runs.join(', ')}: ${(await Promise.all(runs.map(statusOf))).join(', ')}`,
      90_000,
    );
    // The MLflow password is in use: the mirror authenticated with it and recorded a run.
    await until(() => mlflow.state.runs.size >= 1, () => `MLflow got ${mlflow.requests.length} requests`, 30_000);

    for (const id of runs) {
      const { run } = JSON.parse(await call(`/api/v1/runs/${id}`)) as { run: { status: string; message?: string } };
      assert.equal(run.status, 'Succeeded', run.message);
      await call(`/api/v1/runs/${id}/logs`);
      for (const task of ['dump', 'shell', 'module', 'file', 'opted']) await call(`/api/v1/runs/${id}/logs?task=${task}`);
      await call(`/api/v1/lineage/runs/${id}`);
    }
    for (const path of [
      '/healthz',
      '/readyz',
      '/metrics',
      '/api/v1/openapi.json',
      '/api/v1/runs',
      '/api/v1/events',
      `/api/v1/events/${eventId}`,
      '/api/v1/workflows',
      '/api/v1/workflows/printenv',
      '/api/v1/sensors',
      '/api/v1/dead-letters',
      '/api/v1/experiments/printenv/compare',
    ]) {
      await call(path);
    }
    await call('/api/v1/compare', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ runIds: runs }) });
    const digest = /"digest":"([0-9a-f]{64})"/.exec(answers.find((a) => a.what === `GET /api/v1/runs/${runs[0]}`)!.text)?.[1];
    assert.ok(digest, 'the run detail names the env artifact');
    await call(`/api/v1/lineage/artifacts?ref=${digest}`);
    // The hub polls the store (every 500 ms): wait for it to have told of both runs.
    await until(() => runs.every((id) => streamed.includes(`"id":"${id}"`)), () => `the stream to carry both runs (got ${JSON.stringify(streamed.slice(0, 500))})`);
    streamAbort.abort();
    await streamDone;
    answers.push({ what: 'GET /api/v1/stream', status: 200, text: streamed });

    for (const answer of answers) {
      assert.ok(answer.status < 500, `${answer.what} answered ${answer.status}: ${answer.text.slice(0, 200)}`);
      assert.deepEqual(secretsIn(answer.text), [], `${answer.what} holds a secret`);
    }
    // Not vacuous: the logs hold the environment the tasks printed, and the opt-in passed exactly its name.
    const logsOf = (task: string) => answers.find((a) => a.what === `GET /api/v1/runs/${runs[0]}/logs?task=${task}`)!.text;
    assert.match(logsOf('dump'), /^TANDEM_RUN_ID=/m);
    assert.match(logsOf('dump'), /^PATH=/m);
    assert.match(logsOf('shell'), /SECRET_X is unset/);
    assert.deepEqual(foreignTandemNames(logsOf('dump')), [], 'no tandem setting (TANDEM_CONCURRENCY...) reaches a task');
    assert.doesNotMatch(logsOf('dump'), /OPTED_IN/, 'a variable not named in inheritEnv is not passed');
    assert.match(logsOf('opted'), new RegExp(`^OPTED_IN=${OPTED_IN}$`, 'm'));
    assert.doesNotMatch(logsOf('opted'), /NOT_SET_ANYWHERE/);
    assert.match(streamed, /event: run/, 'the stream carried the runs');

    // What reached MLflow (params, tags, metrics, artifacts the mirror sent).
    assert.deepEqual(secretsIn(JSON.stringify(mlflow.requests)), [], 'the MLflow requests hold a secret');

    server.kill('SIGTERM');
    assert.equal(await exited, 0, output);
    assert.deepEqual(secretsIn(output), [], "the server's own output holds a secret");
    const home = join(dir, 'home');
    assert.ok(filesUnder(home).some((file) => file.endsWith('tandem.db')), 'the store is there to search');
    assert.ok(filesUnder(home).some((file) => readFileSync(file).includes('TANDEM_RUN_ID=')), 'the printed environment is on disk');
    assert.deepEqual(leakedFiles(home), []);
  });

  void it('tandem run: no secret in its output, its logs or its data directory; inheritEnv passes what it names', async () => {
    const home = join(dir, 'cli-home');
    mkdirSync(home, { recursive: true });
    const env = { ...serverEnv(), TANDEM_HOME: home };
    const run = await execFileAsync(process.execPath, [BIN, 'run', 'printenv.yaml', '--json'], { cwd: dir, env });
    const finished = JSON.parse(run.stdout) as { id: string; status: string };
    assert.equal(finished.status, 'Succeeded', run.stdout);
    const runId = finished.id;
    const logs = await execFileAsync(process.execPath, [BIN, 'logs', runId], { cwd: dir, env });
    const opted = await execFileAsync(process.execPath, [BIN, 'logs', runId, 'opted'], { cwd: dir, env });
    const shown = await execFileAsync(process.execPath, [BIN, 'show', runId, '--json'], { cwd: dir, env });
    for (const [what, text] of [
      ['tandem run', run.stdout + run.stderr],
      ['tandem logs', logs.stdout + logs.stderr],
      ['tandem show', shown.stdout + shown.stderr],
    ] as const) {
      assert.deepEqual(secretsIn(text), [], `${what} printed a secret`);
    }
    assert.match(logs.stdout, /TANDEM_RUN_ID=/);
    assert.deepEqual(foreignTandemNames(logs.stdout), [], 'TANDEM_HOME, TANDEM_CONCURRENCY... are not passed');
    assert.match(opted.stdout, new RegExp(`^OPTED_IN=${OPTED_IN}$`, 'm'));
    assert.equal((logs.stdout.match(/OPTED_IN=/g) ?? []).length, 1, 'only the task that names OPTED_IN gets it');
    assert.ok(existsSync(join(home, 'tandem.db')), 'the run used the data directory searched here');
    assert.deepEqual(leakedFiles(home), []);
  });
});
