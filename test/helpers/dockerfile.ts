// A reader of the Dockerfile instructions tandem's images use (FROM, COPY, RUN, USER, WORKDIR,
// ENTRYPOINT, CMD, ENV), so tests can check a recipe without a container engine: which sources
// each COPY takes from which context, what the last stage runs and as whom. Comments, line
// continuations and exec-form (JSON) arguments are read as Docker reads them.
interface CopyInstruction {
  /** The named context or stage (`--from=`), or undefined for the build context. */
  from?: string;
  sources: string[];
  dest: string;
}

export interface Stage {
  image: string;
  name?: string;
  copies: CopyInstruction[];
  runs: string[];
  user?: string;
  workdir?: string;
  entrypoint?: string[];
  cmd?: string[];
}

export function readDockerfile(text: string): Stage[] {
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, op = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = op.toUpperCase();
    if (instruction === 'FROM') {
      const [image = '', as, name] = rest.split(/\s+/);
      stages.push({ image, ...(as?.toUpperCase() === 'AS' && name ? { name } : {}), copies: [], runs: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (stage === undefined) throw new Error(`${instruction} before FROM`);
    if (instruction === 'COPY') {
      const words = rest.split(/\s+/);
      const flags = words.filter((w) => w.startsWith('--'));
      const paths = words.filter((w) => !w.startsWith('--'));
      const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
      stage.copies.push({ ...(from ? { from } : {}), sources: paths.slice(0, -1), dest: paths.at(-1) ?? '' });
    } else if (instruction === 'RUN') stage.runs.push(rest);
    else if (instruction === 'USER') stage.user = rest;
    else if (instruction === 'WORKDIR') stage.workdir = rest;
    else if (instruction === 'ENTRYPOINT') stage.entrypoint = execForm(rest);
    else if (instruction === 'CMD') stage.cmd = execForm(rest);
  }
  return stages;
}

function execForm(rest: string): string[] {
  return rest.startsWith('[') ? (JSON.parse(rest) as string[]) : ['/bin/sh', '-c', rest];
}
