// The default lane matrix on synthetic specs of each kind, and policies built from configured
// rules: order, replaceDefaults, and rules that cannot be used.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEEP_CHAIN_THRESHOLD,
  DEFAULT_RULES,
  RouteError,
  RoutingRuleError,
  buildPolicy,
  compileRule,
  route,
  type RoutingRule,
} from '../../src/router/index.js';
import type { Lane, WorkflowSpec } from '../../src/spec/schema.js';
import { chain, mlTasks, task, workflow } from './specs.js';

const cases: Array<{ name: string; spec: WorkflowSpec; lane: Lane; rule: string }> = [
  {
    name: 'tasks marked for both lanes → hybrid, even with a declared type',
    spec: workflow([task('load', { lane: 'argo' }), task('fit', { lane: 'kubeflow', dependsOn: ['load'] })], { type: 'batch' }),
    lane: 'hybrid',
    rule: 'mixed-task-lanes',
  },
  { name: 'type ml-training → kubeflow', spec: workflow([task('a')], { type: 'ml-training' }), lane: 'kubeflow', rule: 'declared-ml' },
  { name: 'type model-evaluation → kubeflow', spec: workflow([task('a')], { type: 'model-evaluation' }), lane: 'kubeflow', rule: 'declared-ml' },
  { name: 'type hybrid → hybrid', spec: workflow([task('a')], { type: 'hybrid' }), lane: 'hybrid', rule: 'declared-hybrid' },
  { name: 'type batch → argo', spec: workflow([task('a')], { type: 'batch' }), lane: 'argo', rule: 'declared-orchestration' },
  { name: 'type ingestion → argo', spec: workflow([task('a')], { type: 'ingestion' }), lane: 'argo', rule: 'declared-orchestration' },
  { name: 'type dag, even with ML features → argo', spec: workflow(mlTasks(), { type: 'dag' }), lane: 'argo', rule: 'declared-orchestration' },
  {
    name: 'untyped ML work with a dynamic fan-out → hybrid',
    spec: workflow([...mlTasks(), task('each', { forEach: '{{ tasks.train.outputs.model }}' })]),
    lane: 'hybrid',
    rule: 'ml-in-orchestration',
  },
  { name: 'untyped ML work with a condition → hybrid', spec: workflow([...mlTasks(), task('gate', { when: 'params.go' })]), lane: 'hybrid', rule: 'ml-in-orchestration' },
  { name: 'untyped ML work with an exit handler → hybrid', spec: workflow(mlTasks(), { finally: [task('notify')] }), lane: 'hybrid', rule: 'ml-in-orchestration' },
  {
    name: `untyped ML work with a chain deeper than ${DEEP_CHAIN_THRESHOLD} → hybrid`,
    spec: workflow(chain(DEEP_CHAIN_THRESHOLD + 1), { defaults: { cache: {} }, metrics: { loss: { direction: 'min' } } }),
    lane: 'hybrid',
    rule: 'ml-in-orchestration',
  },
  {
    name: `untyped ML work with a chain of exactly ${DEEP_CHAIN_THRESHOLD} → kubeflow`,
    spec: workflow(chain(DEEP_CHAIN_THRESHOLD), { defaults: { cache: {} }, metrics: { loss: { direction: 'min' } } }),
    lane: 'kubeflow',
    rule: 'ml-pipeline',
  },
  { name: 'untyped ML work alone → kubeflow', spec: workflow(mlTasks()), lane: 'kubeflow', rule: 'ml-pipeline' },
  {
    name: 'untyped caching without metrics or ML artifacts → argo',
    spec: workflow([task('a', { cache: { enabled: true } })]),
    lane: 'argo',
    rule: 'everything-else',
  },
  {
    name: 'untyped ML artifacts without caching → argo',
    spec: workflow([task('a', { outputs: { model: { type: 'Model' } } })]),
    lane: 'argo',
    rule: 'everything-else',
  },
  { name: 'untyped plain DAG → argo (catch-all)', spec: workflow(chain(3)), lane: 'argo', rule: 'everything-else' },
];

void describe('the default policy', () => {
  for (const c of cases) {
    void it(c.name, () => {
      const decision = route(c.spec);
      assert.equal(decision.lane, c.lane);
      assert.equal(decision.rule, c.rule);
      assert.equal(decision.ruleSource, 'default');
    });
  }

  void it('ends with a catch-all, so every workflow gets a lane', () => {
    assert.equal(DEFAULT_RULES[DEFAULT_RULES.length - 1]?.when, 'true');
  });
});

const gpuRule: RoutingRule = {
  name: 'gpu-to-kubeflow',
  when: "workflow.tasks.exists(t, has(t.resources) && has(t.resources.limits) && has(t.resources.limits.gpu))",
  lane: 'kubeflow',
  reason: 'Workflow {{ workflow.name }} asks for a GPU.',
};

void describe('configured rules', () => {
  const gpuBatch = workflow([task('fit', { resources: { limits: { gpu: 1 } } })], { type: 'batch', name: 'gpu-batch' });

  void it('come before the built-in rules, in order', () => {
    const policy = buildPolicy({ rules: [gpuRule], replaceDefaults: false });
    assert.deepEqual(
      policy.rules.map((r) => `${r.source}:${r.name}`),
      ['config:gpu-to-kubeflow', ...DEFAULT_RULES.map((r) => `default:${r.name}`)],
    );
    const decision = route(gpuBatch, policy);
    assert.equal(decision.lane, 'kubeflow', 'the configured rule wins over declared-orchestration');
    assert.equal(decision.rule, 'gpu-to-kubeflow');
    assert.equal(decision.ruleSource, 'config');
    assert.equal(decision.reasons[0], 'Workflow gpu-batch asks for a GPU.', 'the reason template is rendered');
    assert.equal(route(workflow([task('a')], { type: 'batch' }), policy).rule, 'declared-orchestration', 'no GPU: the defaults decide');
  });

  void it('replace the built-in rules with replaceDefaults, and must then end with a catch-all', () => {
    const catchAll: RoutingRule = { name: 'rest', when: 'true', lane: 'argo' };
    const policy = buildPolicy({ rules: [gpuRule, catchAll], replaceDefaults: true });
    assert.deepEqual(policy.rules.map((r) => r.name), ['gpu-to-kubeflow', 'rest']);
    assert.equal(route(workflow([task('a')], { type: 'ml-training' }), policy).lane, 'argo', 'declared-ml is gone');
    assert.throws(() => buildPolicy({ rules: [gpuRule], replaceDefaults: true }), (error: unknown) => {
      assert.ok(error instanceof RoutingRuleError);
      assert.match(error.message, /when: "true"/);
      return true;
    });
  });

  void it('cannot reuse a name', () => {
    assert.throws(() => buildPolicy({ rules: [gpuRule, gpuRule], replaceDefaults: false }), /gpu-to-kubeflow.*twice/);
    assert.throws(() => buildPolicy({ rules: [{ ...gpuRule, name: 'declared-ml' }], replaceDefaults: false }), /not used by a built-in rule/);
  });
});

void describe('compileRule', () => {
  const bad = (rule: Partial<RoutingRule>, field: string, pattern: RegExp) => {
    assert.throws(
      () => compileRule({ ...gpuRule, ...rule }, 'config'),
      (error: unknown) => {
        assert.ok(error instanceof RoutingRuleError, String(error));
        assert.equal(error.field, field);
        assert.match(error.message, pattern);
        return true;
      },
    );
  };

  void it('rejects CEL that does not parse, naming the parser reason', () => bad({ when: 'features.usesCaching &&' }, 'when', /expected a CEL condition over workflow, features, evidence.*found "features\.usesCaching &&"/));
  void it('rejects an unknown feature (a typo)', () => bad({ when: 'features.usesCache' }, 'when', /unknown feature "features\.usesCache"/));
  void it('rejects an unknown variable', () => bad({ when: 'params.x == 1' }, 'when', /unknown variable "params"/));
  void it('rejects a lane that does not exist', () => bad({ lane: 'spark' as Lane }, 'lane', /one of kubeflow, argo, hybrid/));
  void it('rejects a reason with a broken template', () => bad({ reason: 'on {{ features.depth' }, 'reason', /never closed/));
});

void describe('rules at routing time', () => {
  void it('a condition that fails on a workflow is a RouteError naming the rule, with a has() hint', () => {
    const policy = buildPolicy({ rules: [{ name: 'by-type', when: "workflow.type == 'dag'", lane: 'argo' }], replaceDefaults: false });
    assert.equal(route(workflow([task('a')], { type: 'dag' }), policy).rule, 'by-type');
    assert.throws(() => route(workflow([task('a')]), policy), (error: unknown) => {
      assert.ok(error instanceof RouteError);
      assert.match(error.message, /routing rule "by-type" \(from routing.rules\) failed on workflow "synthetic"/);
      assert.match(error.message, /has\(workflow\.type\)/);
      return true;
    });
  });

  void it('a condition that is not a boolean is a RouteError', () => {
    const policy = buildPolicy({ rules: [{ name: 'count', when: 'features.taskCount', lane: 'argo' }], replaceDefaults: false });
    assert.throws(() => route(workflow([task('a')]), policy), /must give true or false, gave 1/);
  });
});
