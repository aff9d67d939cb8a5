// The two small programs a compiled task runs inside its container, so task code written for
// tandem runs unchanged on KFP. Both keep tandem's contract (outputs are files under
// $TANDEM_OUTPUTS, artifact inputs are paths) and translate it to KFP's (output parameters are
// written to `{{$.outputs.parameters['x'].output_file}}`, artifacts to their local paths).
//
// SHELL_LAUNCHER (process and script tasks; needs only /bin/sh, mkdir, cp, cat, sed, tee) reads
// triples `KIND NAME VALUE` up to `--`, then runs the program after `--`:
//   env NAME VALUE      export a variable (values that hold KFP placeholders)
//   status NAME JSON    export the run status (Succeeded, Failed, Cancelled) read from KFP's
//                       PipelineTaskFinalStatus JSON (its state: COMPLETE, CACHED, CANCELED, …)
//   cd DIR -            change directory first (chdir: only if DIR exists in the image)
//   in PATH SRC         copy an input artifact to $TANDEM_INPUTS/PATH
//   script - SOURCE     write a script's source; the argument `@tandem-script` becomes its path
//   param FILE DEST     after success, copy $TANDEM_OUTPUTS/FILE to DEST (trailing newlines dropped)
//   artifact PATH DEST  after success, copy $TANDEM_OUTPUTS/PATH (file or folder) to DEST
//   stdout - DEST       keep stdout (still shown in the log) and, after success, write the JSON it
//                       carries to DEST: the whole of it when it spans lines from a first line
//                       opening with { or [ to a last closing with } or ], else its last
//                       non-blank line (a task that logs before printing its result)
//
// NODE_LAUNCHER (node tasks) gets the KFP executor input (`{{$}}`), a JSON plan, the module and the
// export. It calls the function with the declared inputs (artifact inputs as local paths, lists of
// artifacts as lists of paths), writes the returned outputs to their output files and copies
// artifact outputs from $TANDEM_OUTPUTS to where KFP uploads them (gs:// → /gcs/, minio:// →
// /minio/, s3:// → /s3/, the KFP launcher's local mounts).

export const SCRIPT_SENTINEL = '@tandem-script';

export const SHELL_LAUNCHER = `set -u
work=$(mktemp -d)
export TANDEM_OUTPUTS="$work/outputs" TANDEM_INPUTS="$work/inputs" TANDEM_METRICS="$work/metrics.jsonl"
mkdir -p "$TANDEM_OUTPUTS" "$TANDEM_INPUTS"
outs=""
stdout_dest=""
tandem_status() {
  case "$(printf '%s' "$1" | sed -n 's/.*"state" *: *"\\([A-Z_]*\\)".*/\\1/p')" in
    COMPLETE|CACHED) echo Succeeded ;;
    CANCELED|CANCELLING) echo Cancelled ;;
    *) echo Failed ;;
  esac
}
while [ "$#" -ge 3 ] && [ "$1" != "--" ]; do
  case "$1" in
    env) export "$2=$3" ;;
    status) export "$2=$(tandem_status "$3")" ;;
    cd) cd "$2" || exit 1 ;;
    chdir) cd "$2" 2>/dev/null || : ;;
    in) mkdir -p "$(dirname "$TANDEM_INPUTS/$2")" && cp -R "$3" "$TANDEM_INPUTS/$2" || exit 1 ;;
    script) printf '%s' "$3" > "$work/script" ;;
    param|artifact) outs="$outs$1\t$2\t$3\n" ;;
    stdout) stdout_dest="$3" ;;
  esac
  shift 3
done
[ "\${1:-}" = "--" ] && shift
for a do shift; if [ "$a" = ${SCRIPT_SENTINEL} ]; then set -- "$@" "$work/script"; else set -- "$@" "$a"; fi; done
if [ -n "\${stdout_dest:-}" ]; then
  { "$@"; echo "$?" > "$work/rc"; } | tee "$work/stdout"
  rc=$(cat "$work/rc"); [ "$rc" = 0 ] || exit "$rc"
  mkdir -p "$(dirname "$stdout_dest")"
  first=$(sed -n '/[^[:space:]]/{p;q;}' "$work/stdout")
  last=$(sed -n '/[^[:space:]]/h;\${x;p;}' "$work/stdout")
  case "$first" in
    '{'*|'['*) case "$last" in '}'*|']'*) printf '%s' "$(cat "$work/stdout")" ;; *) printf '%s' "$last" ;; esac ;;
    *) printf '%s' "$last" ;;
  esac > "$stdout_dest"
else
  "$@" || exit $?
fi
printf '%s' "$outs" | while IFS="$(printf '\\t')" read -r kind src dest; do
  [ -e "$TANDEM_OUTPUTS/$src" ] || { echo "tandem: output $src was not written to \\$TANDEM_OUTPUTS" >&2; exit 1; }
  mkdir -p "$(dirname "$dest")"
  if [ "$kind" = param ]; then printf '%s' "$(cat "$TANDEM_OUTPUTS/$src")" > "$dest"; else cp -R "$TANDEM_OUTPUTS/$src" "$dest"; fi
done
`;

/** The plan NODE_LAUNCHER reads: how to pass each input and where each output comes from. */
export interface NodePlan {
  task: string;
  cwd?: string;
  inputs: Record<string, 'parameter' | 'artifact' | 'artifacts' | 'status'>;
  outputs: Record<string, { kind: 'parameter'; raw: boolean } | { kind: 'artifact'; path: string }>;
}

export const NODE_LAUNCHER = `import { appendFileSync, cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
const [executorJson, planJson, modulePath, exportName] = process.argv.slice(1);
const executor = JSON.parse(executorJson);
const plan = JSON.parse(planJson);
const local = (uri) => uri.replace(/^gs:\\/\\//, '/gcs/').replace(/^minio:\\/\\//, '/minio/').replace(/^s3:\\/\\//, '/s3/');
// KFP hands exit tasks a PipelineTaskFinalStatus; tandem's finally tasks see the run's status.
const runStatus = (final) => {
  const state = final?.state;
  if (state === 'COMPLETE' || state === 'CACHED') return 'Succeeded';
  return state === 'CANCELED' || state === 'CANCELLING' ? 'Cancelled' : 'Failed';
};
const work = mkdtempSync(join(tmpdir(), 'tandem-'));
const dirs = { outputsDir: join(work, 'outputs'), inputsDir: join(work, 'inputs'), metricsFile: join(work, 'metrics.jsonl') };
mkdirSync(dirs.outputsDir);
mkdirSync(dirs.inputsDir);
// TANDEM_RUN_ID is set on the pod from its run label (the Kubernetes platform spec).
const runId = process.env.TANDEM_RUN_ID ?? '';
Object.assign(process.env, { TANDEM_TASK: plan.task, TANDEM_OUTPUTS: dirs.outputsDir, TANDEM_INPUTS: dirs.inputsDir, TANDEM_METRICS: dirs.metricsFile });
if (plan.cwd) process.chdir(plan.cwd);
const given = executor.inputs ?? {};
// Text inputs holding other inputs (as the SDK compiles f-strings) arrive unresolved from the
// driver; fill them in as KFP's Python executor does.
const fill = (value) => typeof value !== 'string' ? value : value.replace(/\\{\\{\\$\\.inputs\\.parameters\\['([^']+)'\\]\\}\\}/g, (whole, key) => {
  const v = given.parameterValues?.[key];
  return v === undefined ? whole : typeof v === 'string' ? v : JSON.stringify(v);
});
const inputs = {};
for (const [name, kind] of Object.entries(plan.inputs)) {
  if (kind === 'parameter') inputs[name] = fill(given.parameterValues?.[name]);
  else if (kind === 'status') inputs[name] = runStatus(given.parameterValues?.[name]);
  else {
    const paths = (given.artifacts?.[name]?.artifacts ?? []).map((a) => local(a.uri));
    inputs[name] = kind === 'artifacts' ? paths : paths[0];
  }
}
const ctx = { runId, task: plan.task, ...dirs, metric(name, value, step) {
  appendFileSync(dirs.metricsFile, JSON.stringify({ name, value, ...(step === undefined ? {} : { step }), time: Date.now() }) + '\\n');
} };
const loaded = await import(pathToFileURL(modulePath).href);
const fn = exportName === 'default' ? (loaded.default ?? loaded['module.exports']) : loaded[exportName];
if (typeof fn !== 'function') { console.error('tandem: ' + modulePath + ' has no exported function "' + exportName + '"'); process.exit(2); }
const result = (await fn(inputs, ctx)) ?? {};
const outputs = executor.outputs ?? {};
for (const [name, spec] of Object.entries(plan.outputs)) {
  if (spec.kind === 'parameter') {
    if (!(name in result)) { console.error('tandem: ' + exportName + '() returned no output "' + name + '"'); process.exit(1); }
    const file = outputs.parameters?.[name]?.outputFile;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, spec.raw && typeof result[name] === 'string' ? result[name] : JSON.stringify(result[name]));
  } else {
    const uri = outputs.artifacts?.[name]?.artifacts?.[0]?.uri;
    mkdirSync(dirname(local(uri)), { recursive: true });
    cpSync(join(dirs.outputsDir, spec.path), local(uri), { recursive: true });
  }
}
`;
