// Verification of a cache hit's artifacts, as a property (fast-check): for any stored file or
// directory artifact, an intact one passes; one bit flipped anywhere in any of its blobs (a file's
// content or a directory's manifest), in place, with the blob's size and mtime set back as they
// were, fails with a reason, and the bad blob is removed; storing the same content again repairs
// it. No size or timestamp shortcut can pass this: only the content tells.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { ArtifactStore } from '../../../src/engines/local/artifacts.js';
import { verifyOutputs } from '../../../src/engines/local/cache/verify.js';
import type { OutputValue } from '../../../src/engines/model.js';

const root = mkdtempSync(join(tmpdir(), 'tandem-cache-verify-'));
after(() => rmSync(root, { recursive: true, force: true }));
let seq = 0;

const content = fc.uint8Array({ minLength: 1, maxLength: 2048 });
const fileName = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
const shape = fc.oneof(
  fc.record({ kind: fc.constant('file' as const), bytes: content }),
  fc.record({ kind: fc.constant('directory' as const), files: fc.dictionary(fileName, content, { minKeys: 1, maxKeys: 4 }) }),
);

/** Writes the artifact's source under a fresh folder; returns its path. */
function writeSource(artifact: typeof shape extends fc.Arbitrary<infer T> ? T : never): string {
  const dir = join(root, `case-${seq++}`);
  mkdirSync(dir, { recursive: true });
  if (artifact.kind === 'file') {
    writeFileSync(join(dir, 'source.bin'), artifact.bytes);
    return join(dir, 'source.bin');
  }
  const source = join(dir, 'source');
  mkdirSync(join(source, 'sub'), { recursive: true });
  Object.entries(artifact.files).forEach(([name, bytes], i) => writeFileSync(join(source, i % 2 ? 'sub' : '', name), bytes));
  return source;
}

/**
 * Flips one bit in place, keeping size and mtime to the nanosecond: the mtime is first set to a
 * whole second (which utimes stores exactly) and set back to it after the write.
 */
function flipBitInPlace(path: string, seed: number, bit: number): void {
  const second = Math.floor(statSync(path).mtimeMs / 1000);
  utimesSync(path, second, second);
  const before = statSync(path, { bigint: true });
  const bytes = readFileSync(path);
  bytes[seed % bytes.length]! ^= 1 << bit;
  writeFileSync(path, bytes);
  utimesSync(path, second, second);
  const after = statSync(path, { bigint: true });
  assert.deepEqual([after.size, after.mtimeNs], [before.size, before.mtimeNs], 'same size and mtime');
}

void describe('cache hit verification', () => {
  void it('rejects any artifact with one bit flipped in place (size and mtime kept), removes the bad blob, and a new store repairs it', async () => {
    await fc.assert(
      fc.asyncProperty(shape, fc.nat(), fc.integer({ min: 0, max: 7 }), fc.nat(), async (artifact, seed, bit, pick) => {
        const store = new ArtifactStore(join(root, `store-${seq++}`));
        const source = writeSource(artifact);
        const stored = await store.put(source, 'Dataset');
        const { path: _path, ...ref } = stored;
        const outputs: Record<string, OutputValue> = { data: { kind: 'artifact', artifact: ref }, n: { kind: 'param', value: 1 } };
        assert.deepEqual(await verifyOutputs(outputs, store), { ok: true }, 'an intact artifact passes');

        // The blobs it consists of: the file, or the manifest and each file it lists.
        const blobs = [store.blobPath(ref.digest)];
        if (ref.kind === 'directory') {
          const manifest = JSON.parse(readFileSync(blobs[0]!, 'utf8')) as Array<{ digest: string }>;
          blobs.push(...manifest.map((entry) => store.blobPath(entry.digest)));
        }
        const target = blobs[pick % blobs.length]!;
        flipBitInPlace(target, seed, bit);

        const verdict = await verifyOutputs(outputs, store);
        assert.equal(verdict.ok, false, 'a corrupted artifact never passes');
        assert.match(verdict.ok ? '' : verdict.reason, /^artifact "data" \(sha256 [0-9a-f]{12}\)(, file \S+)? has changed: its content no longer matches its digest$|its manifest no longer matches its digest$/);
        assert.equal(existsSync(target), false, 'the corrupted blob is removed');

        await store.put(source, 'Dataset');
        assert.deepEqual(await verifyOutputs(outputs, store), { ok: true }, 'storing the content again repairs the artifact');
      }),
      { numRuns: 150 },
    );
  });

  void it('replaces a blob changed in place when the same content is stored again (size and mtime kept)', async () => {
    await fc.assert(
      fc.asyncProperty(content, fc.nat(), fc.integer({ min: 0, max: 7 }), async (bytes, seed, bit) => {
        const store = new ArtifactStore(join(root, `store-${seq++}`));
        const source = writeSource({ kind: 'file', bytes });
        const first = await store.put(source, 'Dataset');
        flipBitInPlace(first.path, seed, bit);
        const again = await store.put(source, 'Dataset');
        assert.equal(again.digest, first.digest);
        assert.deepEqual(readFileSync(again.path), Buffer.from(bytes), 'the stored blob holds the content again');
      }),
      { numRuns: 100 },
    );
  });
});
