import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfig } from '../../src/config/load.js';
import { redactSecrets } from '../../src/config/redact.js';
import { DEFAULT_LOG_CAP_BYTES } from '../../src/config/settings.js';
import { parseDuration, parseSize } from '../../src/config/values.js';

function dir(yaml?: string): string {
  const cwd = mkdtempSync(join(tmpdir(), 'tandem-config-'));
  if (yaml !== undefined) writeFileSync(join(cwd, 'tandem.yaml'), yaml);
  return cwd;
}

void test('defaults without tandem.yaml', async () => {
  const cwd = dir();
  const config = await loadConfig({ cwd, env: {} });
  assert.equal(config.home, join(cwd, '.tandem'));
  assert.equal(config.engine.concurrency, availableParallelism());
  assert.equal(config.engine.logCapBytes, DEFAULT_LOG_CAP_BYTES);
  assert.equal(config.engine.killGracePeriod, '10s');
  assert.equal(config.engine.killGracePeriodMs, 10_000);
  assert.equal(config.file, undefined);
  assert.equal(config.sources.home, 'default');
});

void test('tandem.yaml < TANDEM_* < flags', async () => {
  const cwd = dir('home: data\nengine:\n  concurrency: 3\n  logCapBytes: 1MiB\n  killGracePeriod: 2s\n');
  const fromFile = await loadConfig({ cwd, env: {} });
  assert.equal(fromFile.home, join(cwd, 'data'));
  assert.equal(fromFile.engine.concurrency, 3);
  assert.equal(fromFile.engine.logCapBytes, 1024 * 1024);
  assert.equal(fromFile.engine.killGracePeriodMs, 2000);
  assert.equal(fromFile.file, join(cwd, 'tandem.yaml'));

  const env = { TANDEM_HOME: '/tmp/from-env', TANDEM_CONCURRENCY: '5', TANDEM_LOG_CAP: '2048', TANDEM_KILL_GRACE_PERIOD: '1m' };
  const fromEnv = await loadConfig({ cwd, env });
  assert.equal(fromEnv.home, '/tmp/from-env');
  assert.equal(fromEnv.engine.concurrency, 5);
  assert.equal(fromEnv.engine.logCapBytes, 2048);
  assert.equal(fromEnv.engine.killGracePeriodMs, 60_000);
  assert.equal(fromEnv.sources['engine.concurrency'], 'env');

  const fromFlags = await loadConfig({ cwd, env, flags: { home: 'flag-home', concurrency: 7 } });
  assert.equal(fromFlags.home, join(cwd, 'flag-home'));
  assert.equal(fromFlags.engine.concurrency, 7);
  assert.equal(fromFlags.sources.home, 'flag');
  assert.equal(fromFlags.engine.logCapBytes, 2048, 'keys without a flag keep the env value');
});

void test('a relative home in tandem.yaml resolves against the file, not the cwd', async () => {
  const project = dir('home: state\n');
  const config = await loadConfig({ cwd: tmpdir(), env: {}, flags: { config: join(project, 'tandem.yaml') } });
  assert.equal(config.home, join(project, 'state'));
});

void test('TANDEM_CONFIG names the file; a missing explicit file is an error', async () => {
  const project = dir('engine:\n  concurrency: 2\n');
  const config = await loadConfig({ cwd: tmpdir(), env: { TANDEM_CONFIG: join(project, 'tandem.yaml') } });
  assert.equal(config.engine.concurrency, 2);
  await assert.rejects(loadConfig({ cwd: project, env: {}, flags: { config: 'nope.yaml' } }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /nope\.yaml: cannot read configuration file \(ENOENT\)/);
    return true;
  });
});

void test('bad values name the file, line, key path and what was expected; all at once', async () => {
  const cwd = dir('home: 3\nengine:\n  concurrency: lots\n  killGracePeriod: soon\n  colour: blue\n');
  await assert.rejects(loadConfig({ cwd, env: {} }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.exitCode, 2);
    const file = join(cwd, 'tandem.yaml');
    assert.deepEqual(error.problems.sort(), [
      `${file}:1:7 /home: expected a directory path, found 3`,
      `${file}:3:16 /engine/concurrency: expected a positive integer, found "lots"`,
      `${file}:4:20 /engine/killGracePeriod: expected a duration such as "10s", "1m30s", "500ms" or a number of seconds, found "soon"`,
      `${file}:5:11 /engine/colour: unknown field "colour" (expected one of concurrency, logCapBytes, killGracePeriod, spawner)`,
    ].sort());
    return true;
  });
});

void test('bad environment variables and flags are named', async () => {
  const cwd = dir();
  await assert.rejects(loadConfig({ cwd, env: { TANDEM_CONCURRENCY: '0', TANDEM_LOG_CAP: '10 parsecs' } }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /TANDEM_CONCURRENCY: expected a positive integer, found "0"/);
    assert.match(error.message, /TANDEM_LOG_CAP: expected a size in bytes/);
    return true;
  });
  await assert.rejects(loadConfig({ cwd, env: {}, flags: { concurrency: '-1' } }), /--concurrency: expected a positive integer/);
});

void test('invalid YAML and a non-mapping document are reported with the file', async () => {
  await assert.rejects(loadConfig({ cwd: dir('engine: [1, 2\n'), env: {} }), /tandem\.yaml:\d+:\d+ \/: YAML syntax error/);
  await assert.rejects(loadConfig({ cwd: dir('- a\n- b\n'), env: {} }), /tandem\.yaml:1:1 \/: wrong type \(expected an object.*, found a list\)/);
  await assert.rejects(loadConfig({ cwd: dir('engine: 4\n'), env: {} }), /tandem\.yaml:1:9 \/engine: wrong type \(expected an object with concurrency, logCapBytes, killGracePeriod or spawner, found integer 4\)/);
  const empty = await loadConfig({ cwd: dir(''), env: {} });
  assert.equal(empty.sources.home, 'default');
});

void test('values: durations and sizes', () => {
  assert.equal(parseDuration('10s'), 10_000);
  assert.equal(parseDuration('1m30s'), 90_000);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration(2), 2000);
  assert.equal(parseDuration('2'), 2000);
  assert.equal(parseDuration('ten'), undefined);
  assert.equal(parseDuration(-1), undefined);
  assert.equal(parseSize('10MiB'), 10 * 1024 * 1024);
  assert.equal(parseSize('512KB'), 512_000);
  assert.equal(parseSize(4096), 4096);
  assert.equal(parseSize('1.5k'), 1500);
  assert.equal(parseSize('12 furlongs'), undefined);
  assert.equal(parseSize(1.5), undefined);
});

void test('redactSecrets hides secret-looking keys at any depth', () => {
  assert.deepEqual(
    redactSecrets({ home: '/x', nats: { url: 'nats://h', token: 'abc', auth: { password: 'p', user: 'u' } }, apiKey: 'k', list: [{ clientSecret: 's' }], emptyToken: '' }),
    { home: '/x', nats: { url: 'nats://h', token: '<redacted>', auth: { password: '<redacted>', user: 'u' } }, apiKey: '<redacted>', list: [{ clientSecret: '<redacted>' }], emptyToken: '' },
  );
});

void test('the spawner setting: auto by default, from tandem.yaml or TANDEM_SPAWNER, checked', async () => {
  const cwd = dir('engine:\n  spawner: node\n');
  assert.equal((await loadConfig({ cwd: dir(), env: {} })).engine.spawner, 'auto');
  assert.equal((await loadConfig({ cwd, env: {} })).engine.spawner, 'node');
  assert.equal((await loadConfig({ cwd, env: { TANDEM_SPAWNER: 'perl' } })).engine.spawner, 'perl');
  await assert.rejects(loadConfig({ cwd, env: { TANDEM_SPAWNER: 'bash' } }), /TANDEM_SPAWNER: expected auto, perl or node, found "bash"/);
});
