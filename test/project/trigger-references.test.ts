// A trigger that cannot work is refused when the project is loaded — by `tandem serve` at start-up
// and by `tandem validate tandem.yaml` — with the file, line:column and JSON path: a param the
// workflow does not declare, a required param left unmapped, a dead-letter subject with no NATS
// server to publish it through. (Before, serve started and the webhook answered 202 with no run.)
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import { defaultServices } from '../../src/cli/runtime.js';
import type { SpecIssue } from '../../src/errors.js';
import { loadProject } from '../../src/project/load.js';
import { captureIo } from '../helpers/cli-io.js';

const NOTE = ['name: note', 'params:', '  message: { type: string }', '  level: { type: string, default: info }', 'tasks:', '  - name: say', '    process: { command: /bin/echo, args: ["{{ params.message }}"] }', ''].join('\n');

describe('project loading: triggers against their workflows', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-trigger-refs-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'note.yaml'), NOTE);

  const project = (name: string, sensors: string, sources = '  - name: hooks\n    webhook: {}\n'): string => {
    const file = join(dir, name);
    writeFileSync(file, `home: ./home\nworkflows: [note.yaml]\neventSources:\n${sources}sensors:\n${sensors}`);
    return file;
  };
  const issuesOf = async (file: string): Promise<SpecIssue[]> => {
    try {
      await loadProject(file);
    } catch (error) {
      const issues = (error as { issues?: SpecIssue[] }).issues;
      assert.ok(issues, String(error));
      return issues;
    }
    assert.fail(`${file} was accepted`);
  };

  it('refuses a trigger param the workflow does not declare, naming the file, position and the params it takes', async () => {
    const file = project(
      'undeclared.yaml',
      ['  - name: on-hook', '    dependencies: [{ name: hook, eventSource: hooks }]', '    triggers:', '      - name: note_it', '        workflow: note', '        params:', '          - { name: message, src: { dataKey: text } }', '          - { name: mesage, src: { dataKey: text } }', ''].join('\n'),
    );
    const issues = await issuesOf(file);
    assert.equal(issues.length, 1, JSON.stringify(issues));
    const [issue] = issues;
    assert.equal(issue!.path, '/sensors/0/triggers/0/params/1/name');
    assert.equal(issue!.file, file);
    assert.equal(issue!.line, 14);
    assert.match(issue!.message, /workflow "note" declares no param "mesage" \(did you mean "message"\?\)/);
    assert.match(issue!.expected ?? '', /one of message, level/);
  });

  it('refuses a trigger that leaves a required param unmapped; params with a default may be left out', async () => {
    const file = project('missing.yaml', ['  - name: on-hook', '    dependencies: [{ name: hook, eventSource: hooks }]', '    triggers:', '      - name: note_it', '        workflow: note', '        params: [{ name: level, src: { value: warn } }]', ''].join('\n'));
    const issues = await issuesOf(file);
    assert.deepEqual(issues.map((i) => i.path), ['/sensors/0/triggers/0/params']);
    assert.match(issues[0]!.message, /workflow "note" requires param "message" \(no default\), which this trigger does not map/);
    const none = project('no-params.yaml', ['  - name: on-hook', '    dependencies: [{ name: hook, eventSource: hooks }]', '    triggers: [{ name: note_it, workflow: note }]', ''].join('\n'));
    assert.deepEqual((await issuesOf(none)).map((i) => i.path), ['/sensors/0/triggers/0']);
  });

  it('refuses a dead-letter subject when the project has no NATS event source to publish it through', async () => {
    const sensors = ['  - name: on-hook', '    dependencies: [{ name: hook, eventSource: hooks }]', '    triggers:', '      - name: note_it', '        workflow: note', '        params: [{ name: message, src: { dataKey: text } }]', '        deadLetter: { subject: tandem.dlq.notes }', ''].join('\n');
    const issues = await issuesOf(project('dlq.yaml', sensors));
    assert.deepEqual(issues.map((i) => i.path), ['/sensors/0/triggers/0/deadLetter/subject']);
    assert.match(issues[0]!.message, /no NATS server to publish dead letters to/);
    const withNats = project('dlq-nats.yaml', sensors, '  - name: hooks\n    webhook: {}\n  - name: queue\n    nats: { url: "nats://127.0.0.1:4222", subject: in.notes }\n');
    const loaded = await loadProject(withNats);
    assert.equal(loaded.sensors.length, 1);
  });

  it('tandem validate and tandem serve report it with file:line:column and path, exit 2, before anything listens', async () => {
    const file = project('serve-project.yaml', ['  - name: on-hook', '    dependencies: [{ name: hook, eventSource: hooks }]', '    triggers: [{ name: note_it, workflow: note, params: [{ name: msg, src: { dataKey: text } }] }]', ''].join('\n'));
    const validate = captureIo(dir);
    assert.equal(await main(['validate', 'serve-project.yaml'], { io: validate.io, services: defaultServices }), 2);
    assert.match(validate.out(), /serve-project\.yaml:9:\d+ \/sensors\/0\/triggers\/0\/params\/0\/name: workflow "note" declares no param "msg"/);
    const serve = captureIo(dir);
    assert.equal(await main(['serve', '--config', file, '--port', '0'], { io: serve.io, services: defaultServices }), 2);
    assert.match(serve.err(), /serve-project\.yaml:9:\d+ \/sensors\/0\/triggers\/0\/params\/0\/name: workflow "note" declares no param "msg"/);
    assert.doesNotMatch(serve.out(), /listening|http:\/\//);
  });
});
