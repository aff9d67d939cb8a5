// Webhook deliveries under load, through a running control plane (in process, real HTTP):
//   1,000 distinct deliveries sent at once → 1,000 answers 202, 1,000 events, 1,000 runs;
//   one delivery sent 10 times at once, by delivery id (X-Delivery-Id is the source's idHeader)
//   → 1 event, 1 run, every answer naming that run;
//   one body sent 10 times at once to a source without an id header (the id is the body's
//   digest) → 1 event, 1 run.
// Runs are counted in the store by distinct params.n.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { loadProject } from '../../src/project/load.js';
import { ControlPlane } from '../../src/server/control-plane.js';
import { openStore } from '../../src/store/sqlite/open.js';
import type { Store } from '../../src/store/store.js';

const DISTINCT = 1000;
const REPEATS = 10;

/** A fetch failure with its causes, e.g. `fetch failed <- other side closed (UND_ERR_SOCKET)`. */
function describeFailure(error: unknown): string {
  const parts: string[] = [];
  for (let at: unknown = error; at instanceof Error; at = at.cause) {
    const code = (at as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${at.message} (${code})` : at.message);
  }
  return parts.join(' <- ') || String(error);
}

interface Answer {
  status: number;
  eventId: string;
  duplicate: boolean;
  runIds: string[];
}

describe('webhook source under load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-webhook-load-'));
  let plane: ControlPlane | undefined;
  let store: Store | undefined;
  after(async () => {
    await store?.close();
    await plane?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    let response: Response;
    try {
      response = await fetch(`${plane!.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    } catch (error) {
      // fetch says only "fetch failed"; what failed (a refused or reset connection, a timeout) is its cause.
      throw new Error(`POST ${path} ${JSON.stringify(body)} ${JSON.stringify(headers)}: ${describeFailure(error)}`, { cause: error });
    }
    const answer = (await response.json()) as Omit<Answer, 'status'>;
    return { status: response.status, ...answer };
  }

  async function runsOf(sensor: string): Promise<Map<number, string[]>> {
    const byN = new Map<number, string[]>();
    for (const run of await store!.listRuns({ workflow: 'noop' })) {
      if (run.origin.detail?.sensor !== sensor) continue;
      const n = run.params.n as number;
      byN.set(n, [...(byN.get(n) ?? []), run.id]);
    }
    return byN;
  }

  it('1,000 concurrent distinct deliveries make 1,000 runs; one delivery sent 10 times makes 1 run', async (t) => {
    writeFileSync(
      join(dir, 'noop.yaml'),
      ['name: noop', 'params:', '  n: { type: integer }', 'tasks:', '  - name: done', '    process: { command: /bin/true }', ''].join('\n'),
    );
    const file = join(dir, 'tandem.yaml');
    writeFileSync(
      file,
      `home: ./home
engine: { concurrency: 8 }
workflows: [noop.yaml]
eventSources:
  - name: hooks
    webhook: { idHeader: X-Delivery-Id }
  - name: digests
    webhook: {}
sensors:
  - name: on-hook
    dependencies: [{ name: hook, eventSource: hooks }]
    triggers: [{ name: run_noop, workflow: noop, params: [{ name: n, src: { dependencyName: hook, dataKey: n } }] }]
  - name: on-digest
    dependencies: [{ name: hook, eventSource: digests }]
    triggers: [{ name: run_noop, workflow: noop, params: [{ name: n, src: { dependencyName: hook, dataKey: n } }] }]
server:
  shutdownGracePeriod: 10s
`,
    );
    const config = await loadConfig({ cwd: dir, env: {}, flags: { config: file } });
    plane = await ControlPlane.start({ project: await loadProject(file), config, port: 0 });
    store = await openStore({ home: config.home });

    // 1,000 distinct deliveries, all in flight at once.
    let began = Date.now();
    const answers = await Promise.all(
      Array.from({ length: DISTINCT }, (_, n) => post('/events/hooks', { n }, { 'X-Delivery-Id': `delivery-${n}` })),
    );
    t.diagnostic(`${DISTINCT} concurrent deliveries answered in ${Date.now() - began}ms`);
    assert.deepEqual(answers.filter((a) => a.status !== 202), []);
    assert.equal(answers.filter((a) => a.duplicate).length, 0);
    assert.ok(answers.every((a) => a.runIds.length === 1));
    assert.equal(new Set(answers.map((a) => a.eventId)).size, DISTINCT);
    assert.equal(new Set(answers.flatMap((a) => a.runIds)).size, DISTINCT);
    // A 202 means the event and its run are stored: count them now.
    const hookRuns = await runsOf('on-hook');
    assert.equal(hookRuns.size, DISTINCT);
    assert.deepEqual([...hookRuns].filter(([, ids]) => ids.length !== 1), []);
    assert.equal((await store.listEvents({ source: 'hooks' })).length, DISTINCT);

    // One delivery id, 10 times at once.
    began = Date.now();
    const repeated = await Promise.all(
      Array.from({ length: REPEATS }, () => post('/events/hooks', { n: DISTINCT }, { 'X-Delivery-Id': 'the-same-delivery' })),
    );
    t.diagnostic(`${REPEATS} copies of one delivery answered in ${Date.now() - began}ms`);
    assert.deepEqual(repeated.map((a) => a.status), Array<number>(REPEATS).fill(202));
    assert.equal(repeated.filter((a) => !a.duplicate).length, 1, 'one copy recorded the event, the others were duplicates');
    assert.equal(new Set(repeated.map((a) => a.eventId)).size, 1);
    const sameRun = [...new Set(repeated.flatMap((a) => a.runIds))];
    assert.equal(sameRun.length, 1, `every copy names the same run: ${JSON.stringify(repeated)}`);
    assert.deepEqual((await runsOf('on-hook')).get(DISTINCT), sameRun);
    assert.equal((await runsOf('on-hook')).size, DISTINCT + 1);
    assert.equal((await store.listEvents({ source: 'hooks' })).length, DISTINCT + 1);
    // Sent once more after the dust settled: answered from the store.
    const late = await post('/events/hooks', { n: DISTINCT }, { 'X-Delivery-Id': 'the-same-delivery' });
    assert.equal(late.duplicate, true);
    assert.deepEqual(late.runIds, sameRun);

    // One body, no id header: the body's digest is the id.
    const digested = await Promise.all(Array.from({ length: REPEATS }, () => post('/events/digests', { n: 7 })));
    assert.deepEqual(digested.map((a) => a.status), Array<number>(REPEATS).fill(202));
    assert.equal(new Set(digested.map((a) => a.eventId)).size, 1);
    assert.equal(new Set(digested.flatMap((a) => a.runIds)).size, 1);
    const digestRuns = await runsOf('on-digest');
    assert.deepEqual([...digestRuns.keys()], [7]);
    assert.equal(digestRuns.get(7)?.length, 1);
    assert.equal((await store.listEvents({ source: 'digests' })).length, 1);

    // Every run also finishes (the engine keeps up with the burst). About 2 s on a quiet machine;
    // the deadline only bounds a failure, and a loaded one was seen to need 40 s.
    const deadline = Date.now() + 300_000;
    let open = await store.listRuns({ status: ['Pending', 'Running'] });
    while (open.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      open = await store.listRuns({ status: ['Pending', 'Running'] });
    }
    assert.equal(open.length, 0, `${open.length} runs still in flight`);
    const all = await store.listRuns({ workflow: 'noop' });
    assert.equal(all.length, DISTINCT + 2);
    assert.deepEqual(all.filter((run) => run.status !== 'Succeeded').map((run) => `${run.id} ${run.status}`), []);
  });
});
