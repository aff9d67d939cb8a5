// `npm start`, as a user runs it in a terminal: npm runs the script, the server prints its banner,
// and Ctrl-C (SIGINT to the whole foreground process group, which npm then forwards once more)
// stops it gracefully; npm exits with the server's own status, 0. The project is the example's
// webhook and API (TANDEM_CONFIG; no NATS needed) on a free port, in a data directory of its own.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../..');
const EXAMPLES = join(ROOT, 'examples');

void describe('npm start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-npm-start-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  void it('serves until Ctrl-C, then stops gracefully and exits 0', async (t) => {
    // The example project without its NATS source and the sensor on it, on any free port.
    const example = readFileSync(join(EXAMPLES, 'tandem.yaml'), 'utf8');
    const withoutNats = example
      .replace(/ {2}- name: uploads\n(?: {4}.*\n)+\n/, '')
      .replace(/ {2}- name: ingest-on-upload\n(?: {4}.*\n)+\n/, '')
      .replace('port: 8080', 'port: 0')
      .replaceAll(/^ {2}- ([a-z-]+\/workflow\.yaml)$/gm, (_, file: string) => `  - ${join(EXAMPLES, file)}`);
    assert.doesNotMatch(withoutNats, /nats:/, 'the NATS source is taken out');
    const projectFile = join(dir, 'tandem.yaml');
    writeFileSync(projectFile, withoutNats);

    // detached: a process group of its own, as a terminal gives the command it runs.
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TANDEM_CONFIG: projectFile, TANDEM_HOME: join(dir, 'home'), TANDEM_API_TOKEN: '', TANDEM_WEBHOOK_SECRET: '' },
    });
    t.after(() => {
      if (npm.exitCode === null && npm.signalCode === null) process.kill(-(npm.pid as number), 'SIGKILL');
    });
    let stdout = '';
    let stderr = '';
    npm.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => npm.once('exit', (code, signal) => done({ code, signal })));
    // tandem writes into the same pipe as npm: its output has all been read once every writer closed it.
    const drained = new Promise<void>((done) => npm.stdout.once('close', () => done()));
    await new Promise<void>((ready, fail) => {
      npm.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('Then `npx tandem runs`')) ready();
      });
      void exited.then(({ code }) => fail(new Error(`npm start exited (${code}) before the server was ready:\n${stdout}\n${stderr}`)));
    });
    assert.match(stdout, /^tandem serving \S+ at http:\/\/127\.0\.0\.1:\d+$/m);
    // The script's defaults stand in for the empty variables: the API line names the token's variable.
    assert.match(stdout, /with TANDEM_API_TOKEN set to an API token/);

    process.kill(-(npm.pid as number), 'SIGINT');
    const { code, signal } = await exited;
    await drained;
    // npm's own race, not tandem's: the group's SIGINT reaches npm too, and when tandem's graceful
    // stop is quicker than npm's handling of that signal, npm has already let go of its forwarding
    // listener and dies of the signal itself (seen about 1 run in 4). What tandem controls is
    // asserted below: it stopped gracefully, and printed `stopped` as its last words.
    assert.ok((code === 0 && signal === null) || (code === null && signal === 'SIGINT'), `npm exited ${JSON.stringify({ code, signal })}\n${stdout}\n${stderr}`);
    assert.match(stdout, /stopping: no new events/);
    assert.match(stdout, /\nstopped\n$/, 'the server finished its graceful stop');
    assert.doesNotMatch(stdout, /leaving now/, "npm's forwarded copy of the press did not force an exit");
  });
});
