// What a new user meets first, through the real `tandem` process (the built dist/): a busy port,
// missing secrets, a project file with mistakes and a TypeScript workflow that does not parse.
// Each is one clear message with the place and the reason, and its own exit code; never
// "this is unexpected".
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'tandem.js');
const WORKFLOW = join(ROOT, 'examples', 'conditional-dag', 'workflow.yaml');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tandem ARGS` in `cwd` with exactly `env` (plus PATH), to its end. */
function tandem(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH, ...env } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      done({ code, stdout, stderr });
    });
  });
}

void describe('first contact', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-first-contact-'));
  const home = join(dir, 'home');
  let blocker: Server;
  let busyPort: number;
  before(async () => {
    blocker = createServer();
    await new Promise<void>((listening) => blocker.listen(0, '127.0.0.1', listening));
    busyPort = (blocker.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise((closed) => blocker.close(closed));
    rmSync(dir, { recursive: true, force: true });
  });

  const project = (name: string, text: string): string => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  void it('a port in use: names host:port and exits 5, having closed what it opened', async () => {
    const file = project('busy.yaml', `workflows: [${JSON.stringify(WORKFLOW)}]\nserver: { host: 127.0.0.1, port: ${busyPort} }\n`);
    const result = await tandem(['--config', file, 'serve'], dir, { TANDEM_HOME: home });
    assert.equal(result.code, 6, result.stderr);
    assert.equal(
      result.stderr,
      `error: cannot listen on 127.0.0.1:${busyPort}: the address is already in use (another tandem serve, or another program); stop it, or choose another port with --port or server.port\n`,
    );
    // The flag says the same, with the port it was given.
    const flagged = await tandem(['--config', file, 'serve', '--port', String(busyPort), '--host', '127.0.0.1'], dir, { TANDEM_HOME: home });
    assert.equal(flagged.code, 6);
    assert.match(flagged.stderr, new RegExp(`^error: cannot listen on 127\\.0\\.0\\.1:${busyPort}: `));
  });

  void it('missing secrets: every one named, with where the project file refers to it', async () => {
    const file = project(
      'secrets.yaml',
      [
        `workflows: [${JSON.stringify(WORKFLOW)}]`,
        'eventSources:',
        '  - name: github',
        '    webhook: { hmac: { secret: { env: FC_HOOK_SECRET } } }',
        '  - name: partner',
        `    webhook: { path: /events/partner, bearer: { token: { file: ${JSON.stringify(join(dir, 'no-such-token'))} } } }`,
        'server:',
        '  port: 0',
        '  tokens:',
        '    - { name: ci, token: { env: FC_CI_TOKEN }, namespaces: ["*"] }',
        '    - { name: admin, token: { env: FC_ADMIN_TOKEN }, namespaces: ["*"] }',
        '',
      ].join('\n'),
    );
    const result = await tandem(['--config', file, 'serve'], dir, { TANDEM_HOME: home, FC_ADMIN_TOKEN: 'set' });
    assert.equal(result.code, 2, result.stderr);
    assert.equal(
      result.stderr,
      [
        `error: ${file}: 3 secrets are missing:`,
        '  server.tokens.ci: environment variable FC_CI_TOKEN is not set',
        '  eventSources.github.hmac.secret: environment variable FC_HOOK_SECRET is not set',
        `  eventSources.partner.bearer.token: cannot read ${join(dir, 'no-such-token')} (ENOENT)`,
        '',
      ].join('\n'),
    );
  });

  void it('a project file with mistakes: each one with line:column, path, what was expected and what was found', async () => {
    const file = project(
      'mistakes.yaml',
      [
        'workflows: a.yaml',
        'eventSources:',
        '  - name: hooks',
        '    webhook: { hmac: { secret: { env: X }, extra: 1 } }',
        '  - name: both',
        '    webhook: {}',
        '    cron: { schedules: ["* * * * *"] }',
        'sensors:',
        '  - {}',
        'server:',
        '  tokens: [{ name: a, token: { env: A, file: b }, namespaces: [] }]',
        '  port: eighty',
        '',
      ].join('\n'),
    );
    const result = await tandem(['--config', file, 'validate', file], dir, { TANDEM_HOME: home });
    assert.equal(result.code, 2, result.stderr);
    const problems = result.stdout.split('\n').filter((line) => line.startsWith('  '));
    assert.deepEqual(problems, [
      `  ${file}:1:1 /workflows: wrong type (expected a list, found string "a.yaml")`,
      `  ${file}:4:44 /eventSources/0/webhook/hmac/extra: unknown field "extra" (expected one of secret, header, prefix, timestampHeader, tolerance)`,
      `  ${file}:5:5 /eventSources/1: event source "both" must have exactly one of nats, webhook, cron (found webhook, cron)`,
      `  ${file}:9:5 /sensors/0/name: missing required field "name"`,
      `  ${file}:9:5 /sensors/0/dependencies: missing required field "dependencies"`,
      `  ${file}:9:5 /sensors/0/triggers: missing required field "triggers"`,
      `  ${file}:11:23 /server/tokens/0/token: invalid value (expected a SecretRef: { env: NAME } (an environment variable holding the secret) or { file: PATH } (a file holding it), never the secret itself, found an object)`,
      `  ${file}:11:51 /server/tokens/0/namespaces: too few items (expected at least 1 item, found a list)`,
      `  ${file}:12:3 /server/port: wrong type (expected an integer, found string "eighty")`,
    ]);
    // What the issue saw before the configuration loader: an empty expectation, undefined values.
    assert.doesNotMatch(result.stdout + result.stderr, /expected ,|undefined|expected no fields/);
  });

  void it('a TypeScript workflow that does not parse: the line, the column and the reason', async () => {
    const file = join(dir, 'broken.ts');
    writeFileSync(file, ["export default {", "  name: 'broken',", '  tasks: [', "    { name: 'a' process: { command: 'echo' } },", '  ],', '};', ''].join('\n'));
    const validated = await tandem(['validate', 'broken.ts'], dir, { TANDEM_HOME: home });
    assert.equal(validated.code, 2, validated.stderr);
    assert.equal(validated.stdout, '✗ broken.ts: 1 problem\n  broken.ts:4:17 /: syntax error: Expected "}" but found "process"\n');
    const run = await tandem(['run', 'broken.ts'], dir, { TANDEM_HOME: home });
    assert.equal(run.code, 2);
    assert.equal(run.stderr, `error: 1 problem:\n  ${file}:4:17 /: syntax error: Expected "}" but found "process"\n`);
  });
});
