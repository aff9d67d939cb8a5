// Each run keeps the router's decision: the engine records it at submit (for every way a run
// starts), an override keeps the lane the policy chose and who forced another, configured rules
// apply, and runs can be listed by lane.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { buildPolicy, runRouter } from '../../src/router/index.js';
import { makeHarness, sh, workflow } from '../engines/harness.js';

void describe('routing recorded on runs', () => {
  void it('records the lane, rule and reasons, an override as such, and lists runs by lane', async (t) => {
    const h = await makeHarness();
    t.after(() => h.close());
    const batch = workflow({ name: 'nightly-batch', type: 'batch', tasks: [{ name: 'a', ...sh('true') }] });
    const plain = await h.engine.submit({ spec: batch, baseDir: process.cwd() });
    const forced = await h.engine.submit({ spec: batch, baseDir: process.cwd(), laneOverride: { lane: 'kubeflow', by: 'api' } });
    await h.engine.wait(plain.runId);
    await h.engine.wait(forced.runId);

    const routed = (await h.store.getRun(plain.runId))?.routing;
    assert.equal(routed?.lane, 'argo');
    assert.equal(routed?.rule, 'declared-orchestration');
    assert.ok(routed?.reasons.some((r) => /type batch/.test(r)), routed?.reasons.join(' | '));
    assert.deepEqual(routed?.engines, { orchestration: 'local', ml: 'local' });
    assert.equal(routed?.overridden, undefined);

    const overridden = (await h.store.getRun(forced.runId))?.routing;
    assert.equal(overridden?.lane, 'kubeflow');
    assert.deepEqual(overridden?.overridden, { from: 'argo', by: 'api' });

    assert.deepEqual((await h.store.listRuns({ lane: 'kubeflow' })).map((r) => r.id), [forced.runId]);
    assert.deepEqual((await h.store.listRuns({ lane: 'argo' })).map((r) => r.id), [plain.runId]);
  });

  void it('applies configured rules and lane bindings', async (t) => {
    const router = runRouter(
      buildPolicy({ rules: [{ name: 'nightly-on-kfp', when: 'workflow.name.startsWith("nightly")', lane: 'kubeflow' }], replaceDefaults: false }),
      { kubeflow: { engine: 'kfp' }, argo: { engine: 'local' } },
    );
    const spec = workflow({ name: 'nightly-report', tasks: [{ name: 'a', ...sh('true') }] });
    const routing = router(spec);
    assert.deepEqual([routing.lane, routing.rule, routing.engines.orchestration], ['kubeflow', 'nightly-on-kfp', 'kfp']);
    // This harness registers only the local engine: a run bound to kfp is refused, never run locally.
    const h = await makeHarness({ router });
    t.after(() => h.close());
    await assert.rejects(h.engine.submit({ spec, baseDir: process.cwd() }), (error: Error & { code?: string }) => error.code === 'ENGINE_NOT_REGISTERED');
    assert.deepEqual(await h.store.listRuns({}), []);
  });
});
