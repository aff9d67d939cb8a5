// The Node.js versions tandem claims (package.json `engines`, the README's quick start) are the ones
// every package it installs accepts: `npm ci` on the oldest and the newest claimed version warns
// about no package (`EBADENGINE`). Checked against package-lock.json, which is what npm ci installs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');

type Version = [number, number, number];
/** A version as written in a range: missing or `x` parts are wildcards. */
type Partial = [number | undefined, number | undefined, number | undefined];

function partial(text: string): Partial {
  const parts = text.replace(/^v/, '').split('.');
  const part = (i: number): number | undefined => {
    const value = parts[i];
    return value === undefined || value === 'x' || value === 'X' || value === '*' ? undefined : Number(value);
  };
  return [part(0), part(1), part(2)];
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return 0;
}

const low = (p: Partial): Version => [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0];
/** The first version past every version `p` matches (`20` -> 21.0.0, `20.19` -> 20.20.0). */
function pastEnd(p: Partial): Version {
  if (p[0] === undefined) return [Infinity, 0, 0];
  if (p[1] === undefined) return [p[0] + 1, 0, 0];
  if (p[2] === undefined) return [p[0], p[1] + 1, 0];
  return [p[0], p[1], p[2] + 1];
}

function satisfiesComparator(version: Version, comparator: string): boolean {
  const match = /^(\^|~|>=|<=|>|<|=)?(.*)$/.exec(comparator);
  if (!match) throw new Error(`cannot read comparator ${comparator}`);
  const op = match[1] ?? '';
  const p = partial(match[2] ?? '');
  switch (op) {
    case '>=':
      return compare(version, low(p)) >= 0;
    case '>':
      return compare(version, pastEnd(p)) >= 0;
    case '<':
      return compare(version, low(p)) < 0;
    case '<=':
      return compare(version, pastEnd(p)) < 0;
    case '^':
      return compare(version, low(p)) >= 0 && version[0] === p[0];
    case '~':
      return compare(version, low(p)) >= 0 && version[0] === p[0] && version[1] === (p[1] ?? version[1]);
    default:
      return compare(version, low(p)) >= 0 && compare(version, pastEnd(p)) < 0;
  }
}

/** npm's range syntax as engines fields use it: `a || b`, each a list of comparators (`>=20 <=24`, `^20.19.0`, `20.x`, `*`). */
function satisfies(version: string, range: string): boolean {
  const v = low(partial(version));
  return range.split('||').some((alternative) => {
    const comparators = alternative.trim().replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1').split(/\s+/).filter((c) => c !== '' && c !== '*');
    return comparators.every((c) => satisfiesComparator(v, c));
  });
}

interface LockPackage {
  version?: string;
  engines?: { node?: string };
  os?: string[];
  cpu?: string[];
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockPackage> };

void describe('Node.js versions', () => {
  void it('reads ranges as npm does', () => {
    assert.ok(satisfies('20.19.0', '^20.19.0 || >=22.12.0'));
    assert.ok(!satisfies('20.18.3', '^20.19.0 || >=22.12.0'));
    assert.ok(!satisfies('20.19.0', '>= 22.x'));
    assert.ok(satisfies('24.3.0', '>=20 <=24'));
    assert.ok(!satisfies('25.0.0', '>=20 <=24'));
    assert.ok(satisfies('20.19.0', '18 || 20 || >=22'));
    assert.ok(satisfies('23.1.0', '20.x || 22.x || 23.x'));
    assert.ok(satisfies('20.19.0', '*'));
  });

  const claimed = manifest.engines.node;
  const oldest = /^>=\s*(\d+\.\d+)/.exec(claimed)?.[1];
  const below = /<\s*(\d+)$/.exec(claimed)?.[1];
  void it(`package.json claims a range with both ends (${claimed}), and the README says the same`, () => {
    assert.ok(oldest !== undefined && below !== undefined, claimed);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    assert.match(readme, new RegExp(`with Node\\.js ${oldest.replace('.', '\\.')} or later, up to ${Number(below) - 1}\\b`));
  });

  for (const version of [`${oldest ?? '?'}.0`, `${Number(below ?? 1) - 1}.0.0`]) {
    void it(`every package npm ci installs accepts Node.js ${version}`, () => {
      assert.ok(satisfies(version, claimed), `${version} is within ${claimed}`);
      const refusing = Object.entries(lock.packages)
        // Packages for another platform are not installed; the one for this platform is checked via its parent.
        .filter(([path, pkg]) => path !== '' && pkg.os === undefined && pkg.cpu === undefined && pkg.engines?.node !== undefined)
        .filter(([, pkg]) => !satisfies(version, pkg.engines?.node as string))
        .map(([path, pkg]) => `${path.replace(/^.*node_modules\//, '')}@${pkg.version ?? '?'} wants ${pkg.engines?.node ?? '?'}`);
      assert.deepEqual(refusing, [], 'pin versions that accept it (package.json overrides), or change the claim');
    });
  }
});
