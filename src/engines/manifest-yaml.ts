// Block-style YAML for compiled manifests (plain JSON data: objects, arrays, strings, numbers,
// booleans, null). A general YAML library first builds a node tree of the whole document and then
// prints it: for a 10,000-task workflow (a 13-27 MB manifest) that was nine tenths of compiling.
// This writes the text in one pass instead. Strings are plain only when no YAML reader (1.1, as
// Kubernetes' go-yaml, or 1.2) could take them for anything else; every other string is written
// as a JSON string, which is a valid YAML double-quoted scalar with the same escapes.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined };

export interface ManifestYamlOptions {
  /** Write object keys in sorted order (as the KFP SDK writes IR); default: insertion order. */
  sortKeys?: boolean;
}

/** Letters first; then letters, digits and a few safe marks (`:` only inside, never before a space: `alpine:3.20`). */
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./ (),=+:-]*$/;
/** Words YAML 1.1 or 1.2 readers turn into booleans or null. */
const RESERVED = new Set(['true', 'false', 'yes', 'no', 'on', 'off', 'y', 'n', 'null']);

function scalarText(value: string): string {
  if (PLAIN.test(value) && !value.endsWith(' ') && !value.endsWith(':') && !value.includes(': ') && !RESERVED.has(value.toLowerCase())) return value;
  return JSON.stringify(value);
}

function leafText(value: Json | undefined): string | undefined {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return scalarText(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot write ${value} in a manifest`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return value.length === 0 ? '[]' : undefined;
  if (typeof value !== 'object') throw new TypeError(`cannot write a ${typeof value} in a manifest`);
  for (const key in value) if (value[key] !== undefined) return undefined;
  return '{}';
}

/** Memoised scalarText: manifests repeat the same keys and values thousands of times. */
const MEMO_LIMIT = 100_000;

class Writer {
  /** Lines are encoded into one growing buffer as they come: no rope of a million pieces to flatten. */
  private buffer = Buffer.allocUnsafe(1 << 16);
  private length = 0;
  private readonly memo = new Map<string, string>();
  constructor(private readonly sorted: boolean) {}

  push(line: string): void {
    // A UTF-8 character is at most 3 bytes per UTF-16 code unit.
    const room = line.length * 3;
    if (this.length + room > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + room));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.length += this.buffer.write(line, this.length);
  }

  written(): string {
    return this.buffer.toString('utf8', 0, this.length);
  }

  text(value: string): string {
    let text = this.memo.get(value);
    if (text === undefined) {
      text = scalarText(value);
      if (this.memo.size < MEMO_LIMIT) this.memo.set(value, text);
    }
    return text;
  }

  leaf(value: Json | undefined): string | undefined {
    return typeof value === 'string' ? this.text(value) : leafText(value);
  }

  value(value: Json, indent: string): void {
    if (Array.isArray(value)) this.sequence(value, indent);
    else this.mapping(value as Record<string, Json | undefined>, indent, indent);
  }

  /** Writes a mapping; its first line starts with `firstPrefix` (the `- ` of a sequence item). */
  mapping(value: Record<string, Json | undefined>, firstPrefix: string, indent: string): void {
    let prefix = firstPrefix;
    const keys = Object.keys(value);
    if (this.sorted) keys.sort();
    for (const key of keys) {
      const child = value[key];
      if (child === undefined) continue;
      const leaf = this.leaf(child);
      if (leaf !== undefined) this.push(`${prefix}${this.text(key)}: ${leaf}\n`);
      else {
        this.push(`${prefix}${this.text(key)}:\n`);
        this.value(child, `${indent}  `);
      }
      prefix = indent;
    }
  }

  sequence(value: Json[], indent: string): void {
    for (const item of value) {
      const leaf = this.leaf(item);
      if (leaf !== undefined) this.push(`${indent}- ${leaf}\n`);
      else if (Array.isArray(item)) {
        this.push(`${indent}-\n`);
        this.sequence(item, `${indent}  `);
      } else this.mapping(item as Record<string, Json | undefined>, `${indent}- `, `${indent}  `);
    }
  }
}

/** The document (plain JSON data) as block YAML, ending with a newline; undefined keys are left out. */
export function manifestYaml(document: unknown, options: ManifestYamlOptions = {}): string {
  const value = document as Json;
  const leaf = leafText(value);
  if (leaf !== undefined) return `${leaf}\n`;
  const writer = new Writer(options.sortKeys === true);
  writer.value(value, '');
  return writer.written();
}
