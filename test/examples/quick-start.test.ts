// The README's quick start, end to end: `tandem serve` on the example project (as `npm start`
// runs it), then every trigger command the README shows and every one the server prints, run
// through a shell as a user would, and `tandem runs` / `tandem events` showing each run with the
// event that started it. Against the real NATS server; the project file is the example's with its
// subject, stream and port made unique to this test.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { deleteStreams, natsConnection, natsUrl, requireNats, uniquePrefix } from '../helpers/services.js';
import { EXAMPLES } from './helpers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'tandem.js');
const run = promisify(execFile);

interface RunRow {
  id: string;
  workflow: string;
  origin: { kind: string; detail?: Record<string, unknown> };
}

/** The README's quick-start commands that fire triggers (NATS publish, webhook post, API call). */
function readmeTriggerCommands(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## Using the CLI'));
  return quickStart.split('\n').filter((line) => /^(npx tandem events (publish|post)|curl) /.test(line));
}

void describe('quick start (README): npm start serves the example project', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-quick-start-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  void it('fires a run from each trigger the README and the server show, each on record with its event', async (t) => {
    if (!(await requireNats(t))) return;
    const prefix = uniquePrefix('qs');
    const stream = `${prefix.toUpperCase()}_DOCS`;
    const subject = `${prefix}.docs.uploaded`;
    // The example project, isolated: own subject and stream, any free port, workflows where they are.
    const project = readFileSync(join(EXAMPLES, 'tandem.yaml'), 'utf8')
      .replaceAll('tandem.docs.uploaded', subject)
      .replaceAll('TANDEM_DOCS', stream)
      .replace('port: 8080', 'port: 0')
      .replace('nats://127.0.0.1:4222', natsUrl())
      .replaceAll(/^ {2}- ([a-z-]+\/workflow\.yaml)$/gm, (_, file: string) => `  - ${join(EXAMPLES, file)}`);
    const projectFile = join(dir, 'tandem.yaml');
    writeFileSync(projectFile, project);
    const env = { ...process.env, TANDEM_HOME: join(dir, 'home'), TANDEM_API_TOKEN: 'dev-token', TANDEM_WEBHOOK_SECRET: 'dev-secret' };
    const nc = await natsConnection();
    t.after(async () => {
      await deleteStreams(nc, stream);
      await nc.close();
    });

    const server = spawn(process.execPath, [BIN, '--config', projectFile, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    server.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => server.once('exit', (code) => done(code)));
    t.after(() => {
      if (server.exitCode === null) server.kill('SIGKILL');
    });
    const banner: string[] = [];
    const lines = createInterface({ input: server.stdout });
    await new Promise<void>((ready, fail) => {
      lines.on('line', (line) => {
        banner.push(line);
        if (line.startsWith('Then `npx tandem runs`')) ready();
      });
      void exited.then((code) => fail(new Error(`tandem serve exited (${code}) before it was ready:\n${stderr}`)));
    });
    const url = /at (http:\/\/\S+)/.exec(banner[0] ?? '')?.[1];
    assert.ok(url, `the first line names the URL: ${banner[0]}`);

    const shell = (command: string) =>
      run('sh', ['-c', command.replace(/^npx tandem /, `"${process.execPath}" "${BIN}" `)], { env, cwd: ROOT });
    const runs = async (): Promise<RunRow[]> => JSON.parse((await shell('npx tandem runs --json')).stdout) as RunRow[];

    // 1. The README's commands, pointed at this test's server and subject.
    const readme = readmeTriggerCommands();
    assert.equal(readme.length, 3, `the README shows a NATS, a webhook and an API trigger: ${readme.join('\n')}`);
    for (const command of readme) await shell(command.replaceAll('http://127.0.0.1:8080', url).replaceAll('tandem.docs.uploaded', subject));
    const first = await runs();
    const sensorOf = (row: RunRow) => row.origin.detail?.sensor;
    assert.deepEqual(first.map((row) => [row.workflow, row.origin.kind, sensorOf(row) ?? null]).sort(), [
      ['conditional-dag', 'event', 'quality-gate-on-push'],
      ['document-ingestion', 'api', null],
      ['document-ingestion', 'event', 'ingest-on-upload'],
    ]);

    // Each run's originating event is listed, with the run it started.
    const events = JSON.parse((await shell('npx tandem events list --json')).stdout) as Array<{ eventId: string; source: string; runIds: string[] }>;
    for (const row of first.filter((r) => r.origin.kind === 'event')) {
      const [eventId] = row.origin.detail?.eventIds as string[];
      const event = events.find((e) => e.eventId === eventId);
      assert.ok(event, `event ${eventId} of run ${row.id} is listed`);
      assert.deepEqual(event.runIds, [row.id]);
    }
    const shown = (await shell('npx tandem runs')).stdout;
    for (const row of first) assert.match(shown, new RegExp(`${row.id} .*(event ev-|api \\(key demo-1\\))`));

    // 2. The commands the server printed: a new message and a new delivery each start a run.
    const printed = banner.filter((line) => /^ {4}(npx tandem events|curl) /.test(line)).map((line) => line.trim());
    assert.equal(printed.length, 3, `one command per NATS source, webhook and the API:\n${banner.join('\n')}`);
    for (const command of printed) await shell(command);
    const second = await runs();
    const fresh = second.filter((row) => !first.some((old) => old.id === row.id));
    assert.deepEqual(fresh.map((row) => sensorOf(row) ?? row.origin.kind).sort(), ['api', 'ingest-on-upload', 'quality-gate-on-push']);

    // 3. The commands the banner's last line names (`npx tandem runs`, `npx tandem events list`)
    // do what it says: each exits 0 and lists what it names.
    const named = [...(banner.at(-1) ?? '').matchAll(/`(npx tandem [^`]+)`/g)].map((m) => m[1] as string);
    assert.equal(named.length, 2, banner.at(-1));
    for (const command of named) {
      // A non-zero exit rejects: `npx tandem events` alone prints help and exits 2.
      const { stdout } = await shell(command);
      assert.match(stdout, /^(RUN|EVENT)\s+/, `${command} lists: ${stdout}`);
    }

    server.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
  });
});
