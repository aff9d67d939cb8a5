// The npm packages a project's task modules import, for its task image: every bare import in the
// JavaScript and TypeScript files of the copied folders (type-only imports and Node's own modules
// aside), each at the version the nearest package.json above the project asks for, and tsx, which
// runs `.ts` node tasks (`node --import tsx`), at the version tandem itself uses. The nearest
// package.json's `type` is kept too: it decides whether the modules load as ES modules or as
// CommonJS, and in the image the recipe's package.json is the nearest one.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join } from 'node:path';

const SOURCE = /\.(c|m)?(j|t)sx?$/;
const SKIPPED_DIRS = new Set(['node_modules', '.tandem', '.git']);
const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/gm;

export interface ImageDependencies {
  /** Package → version range, sorted by name. */
  dependencies: Record<string, string>;
  /** Packages imported but declared in no package.json above the project: installed at their latest. */
  undeclared: string[];
  /** The module type the project's files are read with where they are now. */
  type: 'module' | 'commonjs';
}

export function imageDependencies(folders: readonly string[], hostRoot: string): ImageDependencies {
  const imported = new Set<string>();
  for (const folder of folders) for (const file of sourceFiles(folder)) for (const name of bareImports(readFileSync(file, 'utf8'))) imported.add(name);
  const { versions: declared, type } = declaredVersions(hostRoot);
  const dependencies: Record<string, string> = { tsx: tandemDependency('tsx') };
  const undeclared: string[] = [];
  for (const name of [...imported].sort()) {
    if (name === 'tsx') continue;
    const version = declared.get(name);
    if (version === undefined) undeclared.push(name);
    dependencies[name] = version ?? '*';
  }
  return { dependencies: Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => a.localeCompare(b))), undeclared, type };
}

/** The package names a module's source imports at run time. */
export function bareImports(source: string): string[] {
  const names: string[] = [];
  for (const match of source.matchAll(IMPORT)) {
    if (match[2] !== undefined) continue;
    const specifier = match[3] ?? match[4];
    if (specifier === undefined || specifier.startsWith('.') || specifier.startsWith('/') || isBuiltin(specifier)) continue;
    const parts = specifier.split('/');
    names.push(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
  }
  return names;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : sourceFiles(path);
      return entry.isFile() && SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
    });
}

/** Every version a package.json at or above `dir` declares (the nearest wins), and the nearest one's module type. */
function declaredVersions(dir: string): { versions: Map<string, string>; type: 'module' | 'commonjs' } {
  const versions = new Map<string, string>();
  let type: 'module' | 'commonjs' | undefined;
  for (let current = dir; ; current = dirname(current)) {
    const file = join(current, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      type ??= manifest.type === 'module' ? 'module' : 'commonjs';
      for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
        for (const [name, version] of Object.entries((manifest[field] ?? {}) as Record<string, string>)) if (!versions.has(name)) versions.set(name, version);
      }
    }
    if (dirname(current) === current) return { versions, type: type ?? 'commonjs' };
  }
}

/** A dependency's range in tandem's own package.json (one level above src/, two above dist/src/). */
function tandemDependency(name: string): string {
  for (const relative of ['../../package.json', '../../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; dependencies?: Record<string, string> };
      const version = manifest.name === 'tandem' ? manifest.dependencies?.[name] : undefined;
      if (version !== undefined) return version;
    } catch {
      // try the next location
    }
  }
  return '*';
}
