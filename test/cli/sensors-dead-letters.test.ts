// tandem sensors and tandem events dead-letters, in process, against a real store and a real
// project file: what a sensor with two dependencies holds, its triggers and dead letters; dead
// letters newest first, by sensor and by the namespace of the trigger's workflow; --json; help.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import { defaultServices } from '../../src/cli/runtime.js';
import type { IncomingEvent } from '../../src/events/model.js';
import type { SensorSpec } from '../../src/events/sensors/schema.js';
import { SensorState } from '../../src/events/sensors/state.js';
import { openStore } from '../../src/store/sqlite/open.js';
import { captureIo } from '../helpers/cli-io.js';

const PAIR: SensorSpec = {
  name: 'pair',
  dependencies: [
    { name: 'upload', eventSource: 'hooks', eventType: 'upload' },
    { name: 'approval', eventSource: 'hooks', eventType: 'approval' },
  ],
  triggers: [{ name: 'ingest', workflow: 'ingest', params: [{ name: 'file', src: { dependencyName: 'upload', dataKey: 'file' } }] }],
};

const event = (type: string, id: string): IncomingEvent => ({ sourceName: 'hooks', id, source: '/events/hooks', type, time: new Date().toISOString(), datacontenttype: 'application/json', data: { file: 'a.pdf' } });

describe('tandem sensors and tandem events dead-letters', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-sensors-'));
  const home = join(dir, 'home');
  const run = async (...argv: string[]) => {
    const c = captureIo(dir);
    const code = await main(argv, { io: c.io, services: defaultServices });
    return { code, out: c.out(), err: c.err() };
  };

  before(async () => {
    writeFileSync(join(dir, 'note.yaml'), 'name: note\nparams:\n  what: { type: string, default: "-" }\ntasks:\n  - name: say\n    process: { command: /bin/true }\n');
    writeFileSync(join(dir, 'ingest.yaml'), 'name: ingest\nparams:\n  file: { type: string }\ntasks:\n  - name: read\n    process: { command: /bin/true }\n');
    writeFileSync(
      join(dir, 'tandem.yaml'),
      [
        'home: ./home',
        'workflows: [note.yaml, { file: ingest.yaml, namespace: team-a }]',
        'eventSources: [{ name: hooks, webhook: {} }]',
        'sensors:',
        '  - name: single',
        '    dependencies: [{ name: hook, eventSource: hooks }]',
        '    triggers: [{ name: note_it, workflow: note, params: [{ name: what, src: { dataKey: text } }] }]',
        '  - name: pair',
        '    dependencies: [{ name: upload, eventSource: hooks, eventType: upload }, { name: approval, eventSource: hooks, eventType: approval }]',
        '    triggers: [{ name: ingest, workflow: ingest, params: [{ name: file, src: { dependencyName: upload, dataKey: file } }] }]',
        '',
      ].join('\n'),
    );
    const store = await openStore({ home });
    try {
      const state = new SensorState(PAIR);
      state.observe(event('upload', 'u-1'));
      await store.saveSensorState({ sensor: 'pair', snapshot: state.toJSON(), eventIds: {}, updatedAt: Date.now() });
      await store.recordDeadLetter({ sensor: 'single', trigger: 'note_it', eventIds: ['ev-1'], error: 'trigger note_it, param what: dataKey "text" not found', attempts: 1, time: Date.now() - 2000 });
      await store.recordDeadLetter({ sensor: 'pair', trigger: 'ingest', eventIds: ['ev-2', 'ev-3'], error: 'ingest failed to start\nsecond line', attempts: 3, time: Date.now() - 1000 });
      await store.recordDeadLetter({ sensor: 'single', trigger: 'note_it', eventIds: ['ev-4'], error: 'again', attempts: 1, time: Date.now() });
    } finally {
      await store.close();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists dead letters newest first, by sensor, by namespace, as JSON', async () => {
    const all = await run('events', 'dead-letters');
    assert.equal(all.code, 0, all.err);
    const lines = all.out.trimEnd().split('\n');
    assert.match(lines[0]!, /ID\s+SENSOR\s+TRIGGER\s+TIME\s+ATTEMPTS\s+EVENTS\s+ERROR/);
    assert.deepEqual(lines.slice(1).map((l) => l.trim().split(/\s+/)[0]), ['3', '2', '1']);
    assert.match(lines[2]!, /pair\s+ingest\s+.*\s3\s+ev-2,ev-3\s+ingest failed to start$/);

    const single = JSON.parse((await run('events', 'dead-letters', '--sensor', 'single', '--json')).out) as Array<{ id: number; sensor: string; error: string; time: string }>;
    assert.deepEqual(single.map((l) => l.id), [3, 1]);
    assert.match(single[0]!.time, /^\d{4}-\d\d-\d\dT/);

    const teamA = JSON.parse((await run('events', 'dead-letters', '--namespace', 'team-a', '--json')).out) as Array<{ id: number; error: string }>;
    assert.deepEqual(teamA.map((l) => l.id), [2]);
    assert.equal(teamA[0]!.error, 'ingest failed to start\nsecond line');
    assert.equal((await run('events', 'dead-letters', '--namespace', 'nobody')).out, 'no dead letters\n');
    assert.deepEqual(JSON.parse((await run('events', 'dead-letters', '--limit', '1', '--json')).out).map((l: { id: number }) => l.id), [3]);
  });

  it('shows each sensor: dependencies, what a two-dependency sensor holds, triggers and dead letters', async () => {
    const text = await run('sensors');
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /^sensor single {2}\(namespace default\)$/m);
    assert.match(text.out, /^sensor pair {2}\(namespace team-a\)$/m);
    assert.match(text.out, /upload\s+hooks\s+yes\s+hooks\/u-1 at /);
    assert.match(text.out, /approval\s+hooks\s+no\s+hooks\/u-1 at .* \(did not match: type "upload" does not match "approval"\)/);
    assert.match(text.out, /hook\s+hooks\s+-\n/, 'a one-dependency sensor has no HOLDING column and saves nothing');
    assert.match(text.out, /trigger {3}ingest → ingest \(team-a\)/);
    assert.match(text.out, /dead {6}2, latest #3 \(note_it, .*\): again/);
    assert.match(text.out, /tandem events dead-letters --sensor single/);

    const [pair] = JSON.parse((await run('sensors', 'pair', '--json')).out) as Array<{ name: string; dependencies: Array<{ name: string; satisfied: boolean; lastSeen?: { id: string } }>; saved?: { fired: number }; deadLetters: { count: number } }>;
    assert.equal(pair!.name, 'pair');
    assert.deepEqual(pair!.dependencies.map((d) => [d.name, d.satisfied, d.lastSeen?.id]), [['upload', true, 'u-1'], ['approval', false, 'u-1']]);
    assert.equal(pair!.saved?.fired, 0);
    assert.equal(pair!.deadLetters.count, 1);

    const teamA = JSON.parse((await run('sensors', '--namespace', 'team-a', '--json')).out) as Array<{ name: string }>;
    assert.deepEqual(teamA.map((s) => s.name), ['pair']);
    const missing = await run('sensors', 'nope');
    assert.equal(missing.code, 3);
    assert.match(missing.err, /sensor.*nope/);
  });

  it('has help with examples', async () => {
    assert.match((await run('sensors', '--help')).out, /Examples:\n {2}\$ tandem sensors\n/);
    assert.match((await run('events', 'dead-letters', '--help')).out, /Examples:\n {2}\$ tandem events dead-letters\n/);
    assert.match((await run('--help')).out, /^ {2}sensors /m);
  });
});
