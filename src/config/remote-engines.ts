// The `argo` and `kfp` sections resolved: where the remote engines are and how tandem signs in.
// A lane bound to a remote engine (lanes.argo.engine: argo, lanes.kubeflow.engine: kfp) needs its
// section's URL; without one, the binding is refused here, naming what to set, rather than
// falling back to the local engine unseen. Until the Argo and KFP adapters are registered by the
// composition roots (wiring/engines.ts), a binding is refused even with its URL: accepted, its
// runs would be refused at submit instead.
import { resolve } from 'node:path';
import type { SpecIssue } from '../errors.js';
import type { SecretRef } from '../secrets.js';
import type { TandemFile } from './file.js';
import type { LayeredValues } from './layers.js';
import { layeredSetting, settingPointer, type LayeredKey } from './schema.js';
import type { ConfigSource } from './types.js';
import { DEFAULT_REMOTE_POLL_INTERVAL } from './settings.js';
import { parseDuration } from './values.js';

export interface ArgoEngineConfig {
  /** The Argo Server's base URL. */
  server: string;
  namespace: string;
  token?: SecretRef;
  /** Absolute path of the CA bundle. */
  caFile?: string;
  /** The Argo UI's base URL for links (the server's, unless set). */
  ui: string;
  pollIntervalMs: number;
}

export interface KfpEngineConfig {
  /** The KFP API's base URL. */
  endpoint: string;
  namespace?: string;
  token?: SecretRef;
  /** Sent as `userHeader: user` on every request (multi-user Kubeflow). */
  user?: string;
  userHeader: string;
  caFile?: string;
  ui?: string;
  pollIntervalMs: number;
}

const DEFAULT_POLL_MS = parseDuration(DEFAULT_REMOTE_POLL_INTERVAL) ?? 5_000;

/** A path written in tandem.yaml, relative to the file's folder. */
function fromFile(file: TandemFile | undefined, path: string | undefined): string | undefined {
  return path === undefined ? undefined : resolve(file?.dir ?? process.cwd(), path);
}

function secret(file: TandemFile | undefined, ref: SecretRef | undefined): SecretRef | undefined {
  return ref !== undefined && 'file' in ref ? { file: fromFile(file, ref.file)! } : ref;
}

/** The fastest a remote API is polled: faster would load it for no sight gained. */
const MIN_POLL_MS = 100;

function pollMs(file: TandemFile | undefined, setting: 'argo.pollInterval' | 'kfp.pollInterval', issues: SpecIssue[]): number {
  const value = file?.value(setting);
  const ms = value === undefined ? undefined : parseDuration(value);
  if (ms === undefined) return DEFAULT_POLL_MS;
  if (ms < MIN_POLL_MS) {
    issues.push(file!.place({ path: settingPointer(setting), message: '', expected: `at least ${MIN_POLL_MS}ms`, found: JSON.stringify(value) }));
    return DEFAULT_POLL_MS;
  }
  return ms;
}

/** "lanes.argo.engine is argo, but argo.server is not set": placed on the binding. */
function unboundIssue(file: TandemFile | undefined, fromFile: boolean, lane: 'lanes.argo.engine' | 'lanes.kubeflow.engine', engine: string, url: 'argo.server' | 'kfp.endpoint', urlSet: boolean): SpecIssue {
  const message = urlSet
    ? `engine "${engine}" is not wired into this build yet (its adapter is in progress, see docs/remote-engines.md); set ${lane} to local, or use \`tandem compile\` for a cluster`
    : `${engine} needs ${url} (or ${layeredSetting(url).env}): the URL of the ${engine === 'argo' ? 'Argo Server' : 'KFP API'} its runs go to`;
  const issue = { path: settingPointer(lane), message };
  return file && fromFile ? file.place(issue) : { ...issue, path: '', origin: layeredSetting(lane).env ?? lane };
}

export function remoteEnginesConfig(
  file: TandemFile | undefined,
  values: LayeredValues,
  sources: Partial<Record<LayeredKey, ConfigSource>>,
): { argo?: ArgoEngineConfig; kfp?: KfpEngineConfig; issues: SpecIssue[] } {
  const issues: SpecIssue[] = [];
  const server = values['argo.server'];
  const endpoint = values['kfp.endpoint'];
  if (values['lanes.argo.engine'] === 'argo') issues.push(unboundIssue(file, sources['lanes.argo.engine'] === 'file', 'lanes.argo.engine', 'argo', 'argo.server', server !== undefined));
  if (values['lanes.kubeflow.engine'] === 'kfp') issues.push(unboundIssue(file, sources['lanes.kubeflow.engine'] === 'file', 'lanes.kubeflow.engine', 'kfp', 'kfp.endpoint', endpoint !== undefined));
  const argoToken = secret(file, file?.value('argo.token'));
  const argoCa = fromFile(file, file?.value('argo.caFile'));
  const argo: ArgoEngineConfig | undefined =
    server === undefined
      ? undefined
      : {
          server,
          namespace: values['argo.namespace'] ?? 'argo',
          ...(argoToken ? { token: argoToken } : {}),
          ...(argoCa ? { caFile: argoCa } : {}),
          ui: file?.value('argo.ui') ?? server,
          pollIntervalMs: pollMs(file, 'argo.pollInterval', issues),
        };
  const kfpToken = secret(file, file?.value('kfp.token'));
  const kfpCa = fromFile(file, file?.value('kfp.caFile'));
  const kfpUi = file?.value('kfp.ui');
  const kfpNamespace = values['kfp.namespace'];
  const kfpUser = values['kfp.user'];
  const kfp: KfpEngineConfig | undefined =
    endpoint === undefined
      ? undefined
      : {
          endpoint,
          ...(kfpNamespace !== undefined ? { namespace: kfpNamespace } : {}),
          ...(kfpToken ? { token: kfpToken } : {}),
          ...(kfpUser !== undefined ? { user: kfpUser } : {}),
          userHeader: file?.value('kfp.userHeader') ?? 'kubeflow-userid',
          ...(kfpCa ? { caFile: kfpCa } : {}),
          ...(kfpUi !== undefined ? { ui: kfpUi } : {}),
          pollIntervalMs: pollMs(file, 'kfp.pollInterval', issues),
        };
  return { ...(argo ? { argo } : {}), ...(kfp ? { kfp } : {}), issues };
}
