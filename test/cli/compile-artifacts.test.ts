// `artifacts` in tandem.yaml reaches `tandem compile`: with an S3 bucket, the Argo workflow's
// artifacts are written there (credentials named as Kubernetes Secret keys), with a repository
// reference the workflow names it, and without the section Argo's default repository is used
// (key-only artifacts). A section of the wrong shape is refused before anything compiles.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'tandem.js');
const dir = mkdtempSync(join(tmpdir(), 'tandem-artifacts-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const WORKFLOW = join(ROOT, 'examples/document-ingestion/workflow.yaml');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function compileWith(config: string | undefined): { status: number | null; stderr: string; workflow?: Json } {
  const args = config === undefined ? [] : ['--config', join(dir, `${config.length}.yaml`)];
  if (config !== undefined) writeFileSync(args[1]!, config);
  const result = spawnSync(process.execPath, [BIN, ...args, 'compile', WORKFLOW, '--target', 'argo'], { cwd: dir, encoding: 'utf8', env: { ...process.env, TANDEM_HOME: join(dir, 'home') } });
  const docs = result.status === 0 ? parseAllDocuments(result.stdout).map((doc) => doc.toJS() as Json) : [];
  return { status: result.status, stderr: result.stderr, ...(docs[0] ? { workflow: docs[0] } : {}) };
}

function gatherInput(workflow: Json): Json {
  const main = workflow.spec.templates.find((t: Json) => t.name === 'tandem-main');
  return main.dag.tasks.find((t: Json) => t.name === 'index').arguments.artifacts[0];
}

void describe('tandem compile: artifacts in tandem.yaml', () => {
  void it('writes the configured S3 bucket, key prefix and secret refs into the artifacts', () => {
    const result = compileWith(
      'artifacts:\n  s3:\n    endpoint: minio.argo:9000\n    bucket: runs\n    insecure: true\n    keyPrefix: tandem\n    accessKeySecret: { name: minio, key: accesskey }\n    secretKeySecret: { name: minio, key: secretkey }\n',
    );
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(gatherInput(result.workflow!).s3, {
      endpoint: 'minio.argo:9000',
      bucket: 'runs',
      insecure: true,
      accessKeySecret: { name: 'minio', key: 'accesskey' },
      secretKeySecret: { name: 'minio', key: 'secretkey' },
      key: 'tandem/{{workflow.uid}}/embed/vectors/items',
    });
  });

  void it('names a repository of the cluster by artifactRepositoryRef', () => {
    const result = compileWith('artifacts:\n  artifactRepositoryRef: { configMap: artifact-repositories, key: minio }\n');
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(result.workflow!.spec.artifactRepositoryRef, { configMap: 'artifact-repositories', key: 'minio' });
    assert.deepEqual(gatherInput(result.workflow!).s3, { key: '{{workflow.uid}}/embed/vectors/items' });
  });

  void it("uses Argo's default repository without the section", () => {
    const result = compileWith(undefined);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.workflow!.spec.artifactRepositoryRef, undefined);
    assert.deepEqual(gatherInput(result.workflow!).s3, { key: '{{workflow.uid}}/embed/vectors/items' });
  });

  void it('refuses a section of the wrong shape, naming it', () => {
    const result = compileWith('artifacts:\n  s3: { bucket: runs, accessKey: plain-text }\n');
    assert.equal(result.status, 2);
    assert.match(result.stderr, /artifacts/);
  });
});
