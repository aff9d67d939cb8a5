// What `tandem serve` prints once it listens: where it is, what it serves, and one command per
// trigger that fires it from another terminal. Secrets are named by their environment variable,
// never printed.
import type { EventSourceConfig, Project } from '../../project/load.js';
import type { ControlPlane } from '../../server/control-plane.js';
import { writeLine } from '../io.js';

type Out = { write(text: string): unknown };

export function printServeBanner(out: Out, plane: ControlPlane, project: Project): void {
  writeLine(out, `tandem serving ${project.file} at ${plane.url}`);
  writeLine(out, `  workflows: ${project.catalog.list().map((e) => `${e.spec.name} (${e.namespace})`).join(', ') || 'none'}`);
  writeLine(out, `  sensors: ${project.sensors.map((s) => s.name).join(', ') || 'none'}`);
  writeLine(out, `  API: ${plane.url}/api/v1/openapi.json (bearer token); health: ${plane.url}/healthz; metrics: ${plane.url}/metrics`);
  if (plane.resumed.length > 0) writeLine(out, `  resumed: ${plane.resumed.join(', ')}`);
  writeLine(out, '');
  writeLine(out, 'Fire each trigger from another terminal:');
  for (const source of project.eventSources) for (const line of fireLines(source, plane.url)) writeLine(out, line);
  for (const line of apiLines(project, plane.url)) writeLine(out, line);
  writeLine(out, 'Then `npx tandem runs` lists each run with the event that started it; `npx tandem events list` lists the events.');
}

function data(source: EventSourceConfig): string {
  return `'${JSON.stringify(source.example ?? {})}'`;
}

function fireLines(source: EventSourceConfig, baseUrl: string): string[] {
  switch (source.kind) {
    case 'nats': {
      const { config } = source;
      const url = config.url ?? config.urls?.[0] ?? 'nats://127.0.0.1:4222';
      const stream = config.jetStream ? `, JetStream stream ${config.jetStream.stream}` : '';
      const flags = `${config.payload === 'msgpack' ? ' --msgpack' : ''}${config.jetStream ? ' --jetstream' : ''}`;
      return [
        `  nats ${source.name} (subject ${config.subject}${stream}):`,
        `    npx tandem events publish --nats ${url} --subject ${config.subject}${flags} --data ${data(source)}`,
      ];
    }
    case 'webhook': {
      const { config } = source;
      const url = `${baseUrl}${config.path ?? `/events/${source.name}`}`;
      const hmac = config.hmac;
      let auth = '';
      let needs = '';
      if (hmac && 'env' in hmac.secret) {
        auth = ` --hmac-secret-env ${hmac.secret.env}${hmac.header ? ` --header-name ${hmac.header}` : ''}${hmac.prefix ? ` --prefix ${hmac.prefix}` : ''}`;
        if (hmac.timestampHeader) auth += ` --timestamp-header ${hmac.timestampHeader}`;
        needs = ` (with ${hmac.secret.env} set to the server's secret)`;
      } else if (config.bearer && 'env' in config.bearer.token) {
        auth = ` --token-env ${config.bearer.token.env}`;
        needs = ` (with ${config.bearer.token.env} set to the server's token)`;
      }
      // A fresh delivery id per call: the same id again is recognised as a redelivery.
      const delivery = config.idHeader ? ` --header ${config.idHeader}=demo-$(date +%s)` : '';
      return [`  webhook ${source.name}${needs}:`, `    npx tandem events post --url ${url}${auth}${delivery} --data ${data(source)}`];
    }
    case 'cron': {
      const { config } = source;
      const zone = config.timezone ? ` (${config.timezone})` : '';
      return [`  cron ${source.name}: fires on ${config.schedules.join(', ')}${zone}; nothing to do but wait`];
    }
  }
}

function apiLines(project: Project, baseUrl: string): string[] {
  const workflow = project.catalog.list()[0]?.spec.name;
  if (!workflow) return [];
  const tokenRef = project.server.tokens[0]?.token;
  const variable = tokenRef && 'env' in tokenRef ? tokenRef.env : 'TANDEM_API_TOKEN';
  return [
    `  API (with ${variable} set to an API token; repeat with the same Idempotency-Key: same run):`,
    `    curl -s -X POST -H "Authorization: Bearer $${variable}" -H 'Idempotency-Key: demo-1' -H 'content-type: application/json' -d '{"params": {}}' ${baseUrl}/api/v1/workflows/${workflow}/runs`,
  ];
}
