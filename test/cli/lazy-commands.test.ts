// Start-up loads only the command that runs: the program's help with stand-ins is exactly the help
// with every command loaded (so command-table.ts cannot drift from the commands), and a real
// `tandem` process (the built, bundled dist/) loads no command module for --version or --help and
// only its own for a command: a module-loading hook records the bundle's files it loads, and the
// bundle's own record (dist/bundle/modules.json) says which compiled modules each file holds.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { COMMANDS } from '../../src/cli/command-table.js';
import { buildProgram, commandNamed, main } from '../../src/cli/main.js';
import { defaultServices } from '../../src/cli/runtime.js';
import { captureIo } from '../helpers/cli-io.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'tandem.js');
const HOOK = join(ROOT, 'test', 'fixtures', 'module-log', 'register.js');
const execute = promisify(execFile);

async function programHelp(load: ReadonlySet<string> | 'all'): Promise<string> {
  const c = captureIo(tmpdir());
  const program = await buildProgram(c.io, defaultServices, () => undefined, load);
  return program.helpInformation();
}

void describe('lazy command loading', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-lazy-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  void it('lists every command in the program help exactly as the loaded commands would', async () => {
    const eager = await programHelp('all');
    assert.equal(await programHelp(new Set()), eager);
    // Each row of the table describes the command its module registers, under the same name.
    for (const entry of COMMANDS) assert.match(eager, new RegExp(`^ {2}${entry.term.replace(/[[\].]/g, '\\$&')} +${entry.summary.slice(0, 30).replace(/[()`]/g, '\\$&')}`, 'm'), entry.name);
  });

  void it('names the command a command line runs', () => {
    assert.equal(commandNamed(['runs', '--limit', '3']), 'runs');
    assert.equal(commandNamed(['--home', 'runs', 'show', 'x']), 'show', 'the value of --home is not a command');
    assert.equal(commandNamed(['--config', 'a.yaml', '--home=/h', 'serve']), 'serve');
    assert.equal(commandNamed(['help', 'run']), 'run');
    assert.equal(commandNamed(['--version']), undefined);
    assert.equal(commandNamed(['--help']), undefined);
    assert.equal(commandNamed([]), undefined);
    assert.equal(commandNamed(['--', 'run']), undefined);
  });

  void it('still runs and helps every command, and suggests one for a typo', async () => {
    for (const entry of COMMANDS) {
      const c = captureIo(dir);
      assert.equal(await main([entry.name, '--help'], { io: c.io, services: defaultServices }), 0, entry.name);
      assert.match(c.out(), new RegExp(`^Usage: tandem ${entry.name} `, 'm'), entry.name);
    }
    const typo = captureIo(dir);
    assert.equal(await main(['rnus'], { io: typo.io, services: defaultServices }), 2);
    assert.match(typo.err(), /unknown command 'rnus'\n\(Did you mean runs\?\)/);
  });

  /** The compiled modules (relative to dist/src) a real `tandem ARGS` process loads, and its stdout. */
  async function loaded(label: string, args: string[]): Promise<{ modules: string[]; stdout: string }> {
    const log = join(dir, `${label}.log`);
    const { stdout } = await execute(process.execPath, ['--import', HOOK, BIN, ...args], {
      cwd: dir,
      env: { ...process.env, TANDEM_HOME: join(dir, 'home'), TANDEM_TEST_MODULE_LOG: log, TANDEM_CONFIG: '' },
    });
    const bundle = join(ROOT, 'dist', 'bundle');
    const modulesOf = JSON.parse(readFileSync(join(bundle, 'modules.json'), 'utf8')) as Record<string, string[]>;
    const prefix = `file://${bundle}/`;
    const files = readFileSync(log, 'utf8')
      .split('\n')
      .filter((url) => url.startsWith(prefix))
      .map((url) => url.slice(prefix.length));
    assert.ok(files.length > 0, `the hook saw the bundle load (${label})`);
    const modules = files.flatMap((file) => {
      const held = modulesOf[file];
      assert.ok(held !== undefined, `${file} is in the bundle's record`);
      return held;
    });
    return { modules, stdout };
  }
  const commandModules = (modules: string[]) => modules.filter((m) => m.startsWith('cli/commands/'));

  void it('loads no command module for --version and --help, and only its own for a command', async () => {
    const version = await loaded('version', ['--version']);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
    assert.ok(version.modules.includes('cli/main.js'), `the hook saw the CLI load: ${version.modules.join(', ')}`);
    assert.deepEqual(commandModules(version.modules), []);
    for (const heavy of ['config/load.js', 'store/sqlite/open.js', 'spec/load.js', 'server/control-plane.js']) assert.ok(!version.modules.includes(heavy), `--version loads ${heavy}`);

    const help = await loaded('help', ['--help']);
    assert.match(help.stdout, /Commands:\n {2}run \[options\] <file> /);
    assert.deepEqual(commandModules(help.modules), []);

    const runsHelp = await loaded('runs-help', ['runs', '--help']);
    assert.deepEqual(commandModules(runsHelp.modules), ['cli/commands/runs.js', 'cli/commands/options.js'].filter((m) => runsHelp.modules.includes(m)));
    assert.ok(runsHelp.modules.includes('cli/commands/runs.js'));
    assert.ok(!runsHelp.modules.includes('config/load.js'), '--help reads no configuration');

    const runs = await loaded('runs', ['runs']);
    assert.equal(runs.stdout, 'no runs\n');
    assert.ok(runs.modules.includes('config/load.js') && runs.modules.includes('store/sqlite/open.js'));
    assert.deepEqual(
      commandModules(runs.modules).filter((m) => m !== 'cli/commands/runs.js' && m !== 'cli/commands/options.js'),
      [],
      'tandem runs loads no other command',
    );
    for (const other of ['server/control-plane.js', 'engines/local/engine.js', 'compile/workflow.js']) assert.ok(!runs.modules.includes(other), `tandem runs loads ${other}`);
  });
});
