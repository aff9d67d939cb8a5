// One run fanning out over a huge upstream output must not stall the control plane. A real
// `tandem serve` process (serve-child.ts) with limits.forEachItems lowered to 1,000 serves a
// workflow whose first task writes a list of 200,000 items; the fan-out over it must fail with the
// limit named, before any item becomes a task run, while /healthz keeps answering and the
// server's peak memory grows by no more than a small multiple of the output it read.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sleep, startServeChild, until, type ServeChild } from './helpers.js';

const TOKEN = 'fanout-limit-token';
const ITEMS = 200_000;
const LIMIT = 1000;

/** Peak resident memory (kB) of a live process. */
function vmHwmKb(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  assert.ok(match, `no VmHWM for ${pid}`);
  return Number(match[1]);
}

describe('a fan-out over a huge upstream output, on tandem serve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-fanout-'));
  let child: ServeChild | undefined;
  after(async () => {
    await child?.stop().catch(() => child?.kill());
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails the run naming limits.forEachItems, creates no item task runs, and /healthz answers throughout', async () => {
    writeFileSync(
      join(dir, 'fan.yaml'),
      [
        'name: fan-huge',
        'tasks:',
        '  - name: list',
        `    process: { command: /bin/sh, args: [-c, "seq 0 ${ITEMS - 1} | paste -sd, - | sed 's/^/[/; s/$/]/' > \\"$TANDEM_OUTPUTS/items\\""] }`,
        '    outputs: { items: { type: json, path: items } }',
        '  - name: fan',
        '    forEach: "{{ tasks.list.outputs.items }}"',
        '    process: { command: /bin/true }',
        '',
      ].join('\n'),
    );
    const project = join(dir, 'tandem.yaml');
    writeFileSync(
      project,
      `home: ./home
engine: { concurrency: 2 }
limits: { forEachItems: ${LIMIT} }
workflows: [fan.yaml]
server:
  tokens: [{ name: tests, token: { env: TANDEM_TEST_FANOUT_TOKEN }, namespaces: ["*"] }]
  shutdownGracePeriod: 5s
`,
    );
    child = await startServeChild(project, { TANDEM_TEST_FANOUT_TOKEN: TOKEN });
    const url = child.url;
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const before = vmHwmKb(child.pid);

    const started = await fetch(`${url}/api/v1/workflows/fan-huge/runs`, { method: 'POST', headers, body: '{}' });
    const startedBody = await started.text();
    assert.equal(started.status, 201, startedBody);
    const { runId } = JSON.parse(startedBody) as { runId: string };

    // /healthz is polled the whole time the run is in flight; every answer must come, and be 200.
    let healthy = 0;
    let polling = true;
    const failures: string[] = [];
    const poller = (async () => {
      while (polling) {
        try {
          const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(20_000) });
          if (response.status === 200) healthy += 1;
          else failures.push(`status ${response.status}`);
          await response.arrayBuffer();
        } catch (error) {
          failures.push((error as Error).message);
        }
        await sleep(20);
      }
    })();

    type RunView = { run: { status: string }; tasks: Array<{ task: string; status: string; message?: string }> };
    let view: RunView | undefined;
    await until(
      async () => {
        const response = await fetch(`${url}/api/v1/runs/${runId}`, { headers });
        view = (await response.json()) as RunView;
        return ['Succeeded', 'Failed', 'Error', 'Cancelled'].includes(view.run.status);
      },
      () => `run ${runId} is ${view?.run.status ?? 'unknown'}`,
      90_000,
    );
    polling = false;
    await poller;

    assert.equal(view!.run.status, 'Failed');
    const fan = view!.tasks.filter((t) => t.task === 'fan');
    assert.ok(fan.some((t) => t.status === 'Failed' && /expands to 200000 items; the limit is 1000 \(limits\.forEachItems\)/.test(t.message ?? '')), JSON.stringify(fan));
    assert.equal(view!.tasks.filter((t) => t.task.startsWith('fan[')).length, 0, 'no item of the fan-out became a task run');
    assert.deepEqual(failures, [], '/healthz failed while the run was in flight');
    assert.ok(healthy > 0, '/healthz was polled while the run was in flight');

    // The output the server had to read, and what it may cost: parsing JSON numbers into a list,
    // storing it and holding the context take some multiple of the text, never the hundreds of
    // megabytes 200,000 task runs did.
    const outputBytes = statSync(join(dir, 'home', 'runs', runId, 'list.1', 'items')).size;
    const grownKb = vmHwmKb(child.pid) - before;
    console.log(`fan-out over ${ITEMS} items: output ${outputBytes} bytes, server peak RSS ${before} kB -> +${grownKb} kB, /healthz answered ${healthy} times meanwhile`);
    assert.ok(grownKb * 1024 < 64 * outputBytes, `the server grew by ${grownKb} kB reading a ${outputBytes}-byte output`);

    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
  });
});
