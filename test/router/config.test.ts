// The routing and lanes sections of tandem.yaml: rules compiled at load with errors that name
// the file, line:column and JSON path; lane engines layered with TANDEM_* variables.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfig } from '../../src/config/load.js';
import { CONFIG_CHECKS } from '../../src/cli/config-checks.js';
import { buildPolicy } from '../../src/router/index.js';

function project(yaml: string): string {
  const cwd = mkdtempSync(join(tmpdir(), 'tandem-routing-'));
  writeFileSync(join(cwd, 'tandem.yaml'), yaml);
  return cwd;
}

async function problems(yaml: string, env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const cwd = project(yaml);
  try {
    await loadConfig({ cwd, env, checks: CONFIG_CHECKS });
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.exitCode, 2);
    return error.problems.map((p) => p.replace(join(cwd, 'tandem.yaml'), 'tandem.yaml'));
  }
  assert.fail('expected a ConfigError');
}

const RULES = `routing:
  rules:
    - name: gpu
      when: "workflow.tasks.exists(t, has(t.resources))"
      lane: kubeflow
    - name: big
      when: features.taskCount > 50
      lane: argo
      reason: "{{ features.taskCount }} tasks"
`;

void describe('routing in tandem.yaml', () => {
  void it('defaults to no rules, built-in policy kept', async () => {
    const config = await loadConfig({ cwd: project('home: data\n'), env: {} });
    assert.deepEqual(config.routing, { rules: [], replaceDefaults: false });
  });

  void it('reads the rules in order, and they build a policy ahead of the built-in rules', async () => {
    const config = await loadConfig({ cwd: project(RULES), env: {} });
    assert.deepEqual(config.routing.rules.map((r) => r.name), ['gpu', 'big']);
    assert.equal(config.routing.rules[1]?.reason, '{{ features.taskCount }} tasks');
    assert.deepEqual(buildPolicy(config.routing).rules.slice(0, 3).map((r) => r.name), ['gpu', 'big', 'mixed-task-lanes']);
  });

  void it('reports a rule whose CEL does not parse at /routing/rules/N/when, with line:column', async () => {
    const found = await problems(`${RULES}    - name: broken
      when: "features.usesCaching &&"
      lane: argo
`);
    assert.equal(found.length, 1);
    assert.match(found[0] ?? '', /^tandem\.yaml:11:13 \/routing\/rules\/2\/when: expected a CEL condition over workflow, features, evidence/);
    assert.match(found[0] ?? '', /found "features\.usesCaching &&"/);
  });

  void it('reports every bad rule at once: unknown feature, bad lane, unknown field, duplicate and built-in names', async () => {
    const found = await problems(`routing:
  rules:
    - { name: a, when: features.cached, lane: argo }
    - { name: b, when: "true", lane: spark }
    - { name: c, when: "true", lane: argo, priority: 1 }
    - { name: d, when: "true", lane: argo }
    - { name: d, when: "true", lane: argo }
    - { name: declared-ml, when: "true", lane: argo }
`);
    assert.equal(found.length, 5, found.join('\n'));
    assert.match(found[0] ?? '', /\/routing\/rules\/0\/when: .*unknown feature "features\.cached"/);
    assert.match(found[1] ?? '', /\/routing\/rules\/1\/lane: invalid value "spark" \(expected one of kubeflow, argo, hybrid, found string "spark"\)/);
    assert.match(found[2] ?? '', /\/routing\/rules\/2\/priority: unknown field/);
    assert.match(found[3] ?? '', /\/routing\/rules\/4\/name: .*"d" again \(first at \/routing\/rules\/3\)/);
    assert.match(found[4] ?? '', /\/routing\/rules\/5\/name: expected a name not used by a built-in rule/);
  });

  void it('with replaceDefaults, insists on a catch-all last rule', async () => {
    const found = await problems('routing:\n  replaceDefaults: true\n  rules:\n    - { name: a, when: features.conditions, lane: argo }\n');
    assert.match(found[0] ?? '', /\/routing\/rules: expected a last rule with when: "true"/);
    const config = await loadConfig({ cwd: project('routing:\n  replaceDefaults: true\n  rules:\n    - { name: all, when: "true", lane: kubeflow }\n'), env: {} });
    assert.equal(config.routing.replaceDefaults, true);
    assert.deepEqual(buildPolicy(config.routing).rules.map((r) => r.name), ['all']);
  });

  void it('rejects a routing section of the wrong shape', async () => {
    assert.match((await problems('routing: [a]\n'))[0] ?? '', /\/routing: wrong type \(expected an object with rules or replaceDefaults, found a list\)/);
    assert.match((await problems('routing:\n  rules: nope\n'))[0] ?? '', /\/routing\/rules: wrong type \(expected a list of objects with name, when, lane or reason, found string "nope"\)/);
    assert.match((await problems('routing:\n  replaceDefaults: yes please\n'))[0] ?? '', /\/routing\/replaceDefaults: wrong type \(expected true or false, found string "yes please"\)/);
  });
});

void describe('lanes in tandem.yaml', () => {
  void it('default to local, read from the file, overridden by TANDEM_KUBEFLOW_ENGINE / TANDEM_ARGO_ENGINE', async () => {
    const none = await loadConfig({ cwd: project('home: x\n'), env: {} });
    assert.deepEqual(none.lanes, { kubeflow: { engine: 'local' }, argo: { engine: 'local' } });
    assert.equal(none.sources['lanes.kubeflow.engine'], 'default');

    const cwd = project('lanes:\n  kubeflow: { engine: local }\n  argo:\n    engine: local\n');
    const file = await loadConfig({ cwd, env: {} });
    assert.deepEqual(file.lanes, { kubeflow: { engine: 'local' }, argo: { engine: 'local' } });
    assert.equal(file.sources['lanes.argo.engine'], 'file');

    const env = await loadConfig({ cwd, env: { TANDEM_ARGO_ENGINE: 'local' } });
    assert.equal(env.lanes.argo.engine, 'local');
    assert.equal(env.sources['lanes.argo.engine'], 'env');
  });

  // A lane bound to a remote engine goes there, so its URL must be known: never a quiet local run.
  void it('bind kfp and argo only with their URLs, from the file or the environment, naming what to set', async () => {
    const found = await problems('lanes:\n  kubeflow: { engine: kfp }\n  argo:\n    engine: argo\n');
    assert.equal(found.length, 2, found.join('\n'));
    assert.ok(found.some((p) => /^tandem\.yaml:4:13 \/lanes\/argo\/engine: argo needs argo\.server \(or TANDEM_ARGO_SERVER\)/.test(p)), found.join('\n'));
    assert.ok(found.some((p) => /^tandem\.yaml:2:23 \/lanes\/kubeflow\/engine: kfp needs kfp\.endpoint \(or TANDEM_KFP_ENDPOINT\)/.test(p)), found.join('\n'));
    const fromEnv = await problems('home: x\n', { TANDEM_KUBEFLOW_ENGINE: 'kfp', TANDEM_ARGO_ENGINE: 'argo' });
    assert.match(fromEnv.join('\n'), /^TANDEM_KUBEFLOW_ENGINE: kfp needs kfp\.endpoint/m);
    assert.match(fromEnv.join('\n'), /^TANDEM_ARGO_ENGINE: argo needs argo\.server/m);

    const refused = await problems('lanes:\n  argo: { engine: argo }\nargo:\n  server: https://argo.example:2746\n');
    assert.deepEqual(refused.length, 1, refused.join('\n'));
    assert.match(refused[0]!, /\/lanes\/argo\/engine: engine "argo" is not wired into this build yet/);

    const bound = await loadConfig({
      cwd: project('argo:\n  namespace: wf\n  token: { file: secrets/argo }\nkfp:\n  user: alice@example.com\n  pollInterval: 2s\n'),
      env: { TANDEM_ARGO_SERVER: 'https://argo.example:2746', TANDEM_KFP_ENDPOINT: 'http://ml-pipeline.kubeflow:8888' },
    });
    assert.equal(bound.argo?.server, 'https://argo.example:2746');
    assert.equal(bound.argo?.namespace, 'wf');
    assert.equal(bound.argo?.ui, 'https://argo.example:2746', 'the Argo Server serves the UI');
    assert.ok(bound.argo?.token && 'file' in bound.argo.token && bound.argo.token.file.endsWith('/secrets/argo'), 'a token file resolves against tandem.yaml');
    assert.deepEqual(
      { endpoint: bound.kfp?.endpoint, user: bound.kfp?.user, header: bound.kfp?.userHeader, poll: bound.kfp?.pollIntervalMs },
      { endpoint: 'http://ml-pipeline.kubeflow:8888', user: 'alice@example.com', header: 'kubeflow-userid', poll: 2_000 },
    );
    const bad = await problems('argo:\n  server: https://u:p@argo.example\n  pollInterval: 10ms\n  token: abc\n');
    assert.ok(bad.some((p) => /\/argo\/server: credentials do not belong in the URL; use argo\.token/.test(p)), bad.join('\n'));
    assert.ok(bad.some((p) => /\/argo\/token: .*a SecretRef/.test(p)), bad.join('\n'));
  });

  void it('reject an engine a lane cannot use, an unknown lane and an unknown key', async () => {
    const found = await problems('lanes:\n  argo: { engine: kfp }\n  hybrid: { engine: argo }\n  kubeflow: { engine: local, image: x }\n');
    assert.equal(found.length, 3, found.join('\n'));
    assert.ok(found.some((p) => /^tandem\.yaml:3:11 \/lanes\/hybrid: unknown field "hybrid" \(expected one of kubeflow, argo; hybrid uses both\)/.test(p)), found.join('\n'));
    assert.ok(found.some((p) => /\/lanes\/kubeflow\/image: unknown field "image" \(expected one of engine\)/.test(p)), found.join('\n'));
    assert.ok(found.some((p) => /^tandem\.yaml:2:19 \/lanes\/argo\/engine: expected local or argo, found "kfp"/.test(p)), found.join('\n'));
    const fromEnv = await problems('home: x\n', { TANDEM_KUBEFLOW_ENGINE: 'argo' });
    assert.deepEqual(fromEnv, ['TANDEM_KUBEFLOW_ENGINE: expected local or kfp, found "argo"']);
  });
});
