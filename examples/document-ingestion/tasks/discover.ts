// discover: lists the .txt files of a folder (relative paths resolve against the workflow's folder,
// which is where node tasks run).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export default async function discover(inputs: { dir: string }): Promise<{ files: string[] }> {
  const names = (await readdir(inputs.dir)).filter((name) => name.endsWith('.txt')).sort();
  if (names.length === 0) throw new Error(`no .txt files in ${inputs.dir}`);
  return { files: names.map((name) => join(inputs.dir, name)) };
}
