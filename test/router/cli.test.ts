// `tandem route`, run in-process through main(): the listing, --explain, --json, --lane,
// --print-policy (configured rules first) and exit code 2 for invalid input.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import type { Services } from '../../src/cli/runtime.js';
import { captureIo } from '../helpers/cli-io.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

const noServices: Services = {
  openStore: () => Promise.reject(new Error('route must not open the store')),
  openEngines: () => Promise.reject(new Error('route must not open an engine')),
};

async function tandem(args: string[], cwd = EXAMPLES, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const { io, out: stdout, err: stderr } = captureIo(cwd, env);
  const code = await main(args, { io, services: noServices });
  return { code, out: stdout(), err: stderr() };
}

function projectWith(yaml: string): string {
  const cwd = mkdtempSync(join(tmpdir(), 'tandem-route-cli-'));
  writeFileSync(join(cwd, 'tandem.yaml'), yaml);
  writeFileSync(join(cwd, 'gpu.yaml'), 'name: gpu\ntype: batch\ntasks:\n  - name: fit\n    script: { source: "true" }\n    resources: { limits: { gpu: 1 } }\n');
  return cwd;
}

const GPU_RULE = `routing:
  rules:
    - name: gpu-to-kubeflow
      when: "workflow.tasks.exists(t, has(t.resources) && has(t.resources.limits) && has(t.resources.limits.gpu))"
      lane: kubeflow
      reason: "{{ workflow.name }} asks for a GPU, and only the KFP cluster has GPUs."
`;

void describe('tandem route', () => {
  void it('lists each workflow with its lane and rule', async () => {
    const r = await tandem(['route', 'document-ingestion/workflow.yaml', 'ml-training/workflow.yaml']);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split('\n');
    assert.match(lines[0] ?? '', /^WORKFLOW\s+LANE\s+RULE\s+FILE$/);
    assert.match(lines[1] ?? '', /^document-ingestion\s+argo\s+declared-orchestration\s+document-ingestion\/workflow\.yaml$/);
    assert.match(lines[2] ?? '', /^ml-training\s+kubeflow\s+declared-ml\s+ml-training\/workflow\.yaml$/);
  });

  void it('--explain prints the rule, the reasons, the engine and the features that mattered', async () => {
    const r = await tandem(['route', 'document-ingestion/workflow.yaml', '--explain']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^document-ingestion → argo {2}\(document-ingestion\/workflow\.yaml\)$/m);
    assert.match(r.out, /^ {2}rule {6}declared-orchestration \(built in\)$/m);
    assert.match(r.out, /^ {2}engine {4}local$/m);
    assert.match(r.out, /^ {4}- Batch jobs, document ingestion and DAGs run on Argo Workflows\.$/m);
    assert.match(r.out, /^ {4}- It declares type ingestion\.$/m);
    assert.match(r.out, /^ {4}declaredType {2}ingestion {2}workflow\.type$/m);
  });

  void it('--json prints lane, rule, reasons, features and engines for each file', async () => {
    const r = await tandem(['route', 'ml-training/workflow.yaml', 'conditional-dag/workflow.yaml', '--json']);
    assert.equal(r.code, 0, r.err);
    const decisions = JSON.parse(r.out) as Array<Record<string, unknown>>;
    assert.deepEqual(decisions.map((d) => [d.workflow, d.lane, d.rule]), [
      ['ml-training', 'kubeflow', 'declared-ml'],
      ['conditional-dag', 'argo', 'declared-orchestration'],
    ]);
    assert.ok(Array.isArray(decisions[0]?.reasons) && (decisions[0].reasons as string[]).length >= 2);
    assert.deepEqual(decisions[1]?.engines, { orchestration: 'local', ml: 'local' });
    assert.equal((decisions[1]?.features as { conditions: boolean }).conditions, true);
  });

  void it('--lane overrides the policy and says so, in text and JSON', async () => {
    const text = await tandem(['route', 'retry/workflow.yaml', '--lane', 'kubeflow']);
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /retry\s+kubeflow \(--lane; policy: argo\)\s+declared-orchestration/);
    const json = await tandem(['route', 'retry/workflow.yaml', '--lane', 'hybrid', '--json']);
    const [decision] = JSON.parse(json.out) as Array<{ lane: string; overridden: unknown; reasons: string[] }>;
    assert.equal(decision?.lane, 'hybrid');
    assert.deepEqual(decision?.overridden, { from: 'argo', by: 'cli' });
    assert.match(decision?.reasons[0] ?? '', /--lane/);
  });

  void it('configured rules come first: in the decision and in --print-policy', async () => {
    const cwd = projectWith(GPU_RULE);
    const routed = await tandem(['route', 'gpu.yaml', '--explain'], cwd);
    assert.equal(routed.code, 0, routed.err);
    assert.match(routed.out, /^gpu → kubeflow/m);
    assert.match(routed.out, /rule {6}gpu-to-kubeflow \(routing\.rules in tandem\.yaml\)/);
    assert.match(routed.out, /- gpu asks for a GPU, and only the KFP cluster has GPUs\./);

    const text = await tandem(['route', '--print-policy'], cwd);
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /1 configured rule from .*tandem\.yaml, then 7 built-in rules; the first match wins/);
    const order = [...text.out.matchAll(/^(\d+)\. (\S+) → (\S+)/gm)].map((m) => `${m[1]}:${m[2]}:${m[3]}`);
    assert.deepEqual(order.slice(0, 3), ['1:gpu-to-kubeflow:kubeflow', '2:mixed-task-lanes:hybrid', '3:declared-ml:kubeflow']);
    assert.equal(order[order.length - 1], '8:everything-else:argo');

    const json = await tandem(['route', '--print-policy', '--json'], cwd);
    const rules = JSON.parse(json.out) as Array<{ position: number; name: string; source: string; when: string }>;
    assert.deepEqual(rules.map((r) => r.source), ['config', ...Array<string>(7).fill('default')]);
    assert.equal(rules[7]?.when, 'true');
  });

  void it('exits 2 for an invalid workflow, naming its problems, while routing the others', async () => {
    const cwd = projectWith('home: .tandem\n');
    writeFileSync(join(cwd, 'bad.yaml'), 'name: bad\ntasks:\n  - name: a\n    script: { source: x }\n    dependsOn: [ghost]\n');
    const r = await tandem(['route', 'gpu.yaml', 'bad.yaml', 'missing.yaml'], cwd);
    assert.equal(r.code, 2);
    assert.match(r.out, /^gpu\s+argo\s+declared-orchestration\s+gpu\.yaml$/m);
    assert.match(r.err, /✗ bad\.yaml: 1 problem\n {2}bad\.yaml:5:\d+ \/tasks\/0\/dependsOn\/0: .*ghost/);
    assert.match(r.err, /✗ missing\.yaml: no such file/);
  });

  void it('exits 2 for a bad routing rule in tandem.yaml, naming file, line and path', async () => {
    const cwd = projectWith('routing:\n  rules:\n    - { name: typo, when: "features.usesCache", lane: argo }\n');
    const r = await tandem(['route', 'gpu.yaml'], cwd);
    assert.equal(r.code, 2);
    assert.match(r.err, /tandem\.yaml:3:\d+ \/routing\/rules\/0\/when: expected a CEL condition .*unknown feature "features\.usesCache"/);
  });

  void it('exits 2 for a bad --lane, no files, or files with --print-policy', async () => {
    assert.equal((await tandem(['route', 'retry/workflow.yaml', '--lane', 'spark'])).code, 2);
    const none = await tandem(['route']);
    assert.equal(none.code, 2);
    assert.match(none.err, /at least one workflow file/);
    assert.equal((await tandem(['route', 'retry/workflow.yaml', '--print-policy'])).code, 2);
  });

  void it('--help shows examples', async () => {
    const r = await tandem(['route', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.out, /Examples:\n {2}\$ tandem route/);
    assert.match(r.out, /--print-policy/);
  });
});
