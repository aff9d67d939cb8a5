// A tandem `webhook` event source as an Argo Events EventSource. Argo Events' generic `webhook`
// source checks a bearer token (authSecret) and a body size (maxPayloadSize) but no signature. An
// HMAC signature is compiled only in GitHub's exact form (X-Hub-Signature-256 with "sha256=", no
// timestamp): Argo Events' `github` source verifies it with its webhookSecret, and without an API
// token never calls GitHub. That source insists on organizations or repositories, which tandem does
// not know, so they come from deps.github. Any other HMAC scheme is refused as "hmac".
// Either way the EventSource declares `spec.service` with the webhook's port: without it the
// controller creates no Service (buildService returns nothing for an empty port list), and the
// endpoint could be reached only by the pod's own address. The Service is
// `<name>-eventsource-svc`; the URL is recorded in the output's endpoints.
import type { WebhookSourceConfig } from '../sources/webhook/schema.js';
import { DEFAULT_WEBHOOK_PORT, refuse, type CompileContext, type Manifest } from './context.js';
import { eventSourceManifest } from './manifest.js';
import { secretSelector } from './secrets.js';

const GITHUB_HEADER = 'x-hub-signature-256';
const GITHUB_PREFIX = 'sha256=';
/** tandem's default body limit, and Argo Events' too. */
const DEFAULT_MAX_BODY = 1024 * 1024;

/** Whether the HMAC is GitHub's: X-Hub-Signature-256, "sha256=", no timestamp. */
function isGithubSigned(config: WebhookSourceConfig): boolean {
  const hmac = config.hmac;
  return hmac !== undefined && (hmac.header ?? '').toLowerCase() === GITHUB_HEADER && hmac.prefix === GITHUB_PREFIX && hmac.timestampHeader === undefined;
}

export function compileWebhookSource(ctx: CompileContext, name: string, config: WebhookSourceConfig): Manifest {
  const where = `event source ${name}`;
  const payload = config.payload ?? 'auto';
  if (payload === 'msgpack' || payload === 'raw') {
    refuse('payload', where, `payload ${payload}: Argo Events webhook sources embed the body as JSON and refuse any other body`);
  }
  const port = ctx.deps.webhookPort ?? DEFAULT_WEBHOOK_PORT;
  const endpoint = config.path ?? `/events/${name}`;
  const context: Record<string, unknown> = {
    endpoint,
    port: String(port),
    method: 'POST',
    maxPayloadSize: config.maxBodyBytes ?? DEFAULT_MAX_BODY,
  };
  if (config.idHeader !== undefined) {
    ctx.warn('idHeader', where, `Argo Events gives each delivery a new event id, so repeated deliveries with the same ${config.idHeader} are not deduplicated`);
  }
  if (config.eventTypeHeader !== undefined) {
    ctx.warn('eventTypeHeader', where, `the header stays in the event's headers; Argo Events sets the event type to the source kind`);
  }
  const hmac = config.hmac;
  if (hmac === undefined) {
    if (config.bearer !== undefined) context.authSecret = secretSelector(ctx.secretName, config.bearer.token);
    return serviced(ctx, name, port, endpoint, { webhook: { [name]: context } });
  }
  if (!isGithubSigned(config)) {
    refuse(
      'hmac',
      where,
      "Argo Events' webhook source verifies no signature; only GitHub's form (header X-Hub-Signature-256, prefix \"sha256=\", no timestampHeader) compiles, to its github source",
    );
  }
  if (config.bearer !== undefined) refuse('bearer', where, "Argo Events' github source checks the signature only; it cannot also require a bearer token");
  const owners = ctx.deps.github;
  const hasOwners = (owners?.organizations?.length ?? 0) > 0 || (owners?.repositories?.length ?? 0) > 0;
  if (!hasOwners) {
    refuse('hmac', where, "a GitHub-signed webhook compiles to Argo Events' github source, which needs the organizations or repositories sending it: pass deps.github (tandem compile --github-org ORG)");
  }
  const github: Record<string, unknown> = {
    ...(owners?.repositories?.length ? { repositories: owners.repositories } : { organizations: owners?.organizations }),
    events: ['*'],
    webhook: context,
    webhookSecret: secretSelector(ctx.secretName, hmac.secret),
    contentType: 'json',
    active: true,
  };
  return serviced(ctx, name, port, endpoint, { github: { [name]: github } });
}

/** The EventSource with the Service that makes its port reachable, and the endpoint recorded. */
function serviced(ctx: CompileContext, name: string, port: number, endpoint: string, spec: Record<string, unknown>): Manifest {
  const namespace = ctx.deps.namespace !== undefined ? `.${ctx.deps.namespace}` : '';
  ctx.endpoints.push({ source: name, url: `http://${name}-eventsource-svc${namespace}:${port}${endpoint}` });
  return eventSourceManifest(ctx, name, { service: { ports: [{ name: 'webhook', port, targetPort: port }] }, ...spec });
}
