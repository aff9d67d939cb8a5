// The rules the Argo Events controller applies to an EventSource before it deploys it, modelled on
// its reconciler's validate.go (every event name once across the source types; rolling-update and
// recreate types not mixed in one object) and each source type's validate.go (webhook contexts,
// github, nats, calendar, TLS and basic auth), plus one rule of the resources it builds: an
// EventSource that serves HTTP (webhook, github) gets a Service only when `spec.service` lists
// ports (buildService), and only a port the Service exposes is reachable from outside the pod.
import { cronProblem, isGoDuration, isZone } from './formats.js';

type Json = Record<string, unknown>;

/** Fields of an EventSource spec that are not source types. */
const NOT_SOURCES = new Set(['eventBusName', 'template', 'service', 'replicas']);
/** Types whose Deployment is recreated rather than rolled (RecreateStrategyEventSources). */
const RECREATE = new Set(['amqp', 'calendar', 'kafka', 'pubSub', 'azureEventsHub', 'azureServiceBus', 'nats', 'mqtt', 'minio', 'emitter', 'nsq', 'pulsar', 'redis', 'redisStream', 'resource', 'hdfs', 'file', 'sftp', 'generic']);
/** Types that listen on a webhook context and so need the Service to be reached. */
const SERVES_HTTP: Record<string, (event: Json) => Json | undefined> = {
  webhook: (event) => event,
  github: (event) => record(event.webhook),
  gitlab: (event) => record(event.webhook),
  bitbucket: (event) => record(event.webhook),
  bitbucketserver: (event) => record(event.webhook),
  slack: (event) => record(event.webhook),
  stripe: (event) => record(event.webhook),
  storageGrid: (event) => record(event.webhook),
  sns: (event) => record(event.webhook),
};

export function eventSourceProblems(manifest: Json): string[] {
  const spec = record(manifest.spec) ?? {};
  const problems: string[] = [];
  const names = new Set<string>();
  let rolling = 0;
  let recreate = 0;
  const httpPorts = new Set<string>();
  for (const [type, events] of Object.entries(spec)) {
    if (NOT_SOURCES.has(type) || record(events) === undefined) continue;
    if (RECREATE.has(type)) recreate++;
    else rolling++;
    for (const [name, raw] of Object.entries(record(events)!)) {
      const where = `${type}.${name}`;
      if (names.has(name)) problems.push(`more than one "${name}" found in the spec`);
      names.add(name);
      const event = record(raw) ?? {};
      problems.push(...typeProblems(type, event).map((p) => `${where}: ${p}`));
      const context = SERVES_HTTP[type]?.(event);
      if (context !== undefined && context.port !== undefined) httpPorts.add(String(context.port));
    }
  }
  if (rolling > 0 && recreate > 0) problems.push('event sources with rolling update and recreate update strategy can not be put together');
  if (httpPorts.size > 0) {
    const exposed = new Set(arrayOf(record(spec.service)?.ports).map((port) => String(record(port)?.targetPort ?? record(port)?.port)));
    for (const port of httpPorts) {
      if (!exposed.has(port)) problems.push(`port ${port} serves HTTP but spec.service exposes no such port: the controller creates no Service for it, so the endpoint is unreachable`);
    }
  }
  return problems;
}

function typeProblems(type: string, event: Json): string[] {
  switch (type) {
    case 'webhook':
      return webhookContextProblems(event);
    case 'github':
      return githubProblems(event);
    case 'nats':
      return natsProblems(event);
    case 'calendar':
      return calendarProblems(event);
    default:
      return [];
  }
}

function webhookContextProblems(context: Json | undefined): string[] {
  if (context === undefined) return ['webhook context is missing'];
  if (!text(context.endpoint)) return ["endpoint can't be empty"];
  if (!text(context.port)) return ["port can't be empty"];
  if (!/^[-+]?\d+$/.test(String(context.port))) return [`failed to parse server port ${String(context.port)}`];
  return [];
}

function githubProblems(event: Json): string[] {
  const repositories = event.repositories ?? (event.owner !== undefined ? [event] : undefined);
  if (repositories === undefined && event.organizations === undefined) return ['either repositories or organizations is required'];
  if (repositories !== undefined && event.organizations !== undefined) return ['only one of repositories and organizations is allowed'];
  const createsHooks = (event.apiToken !== undefined || event.githubApp !== undefined) && record(event.webhook)?.url !== undefined;
  if (createsHooks && arrayOf(event.events).length === 0) return ['events must be defined to create a github webhook'];
  if (event.contentType !== undefined && event.contentType !== '' && event.contentType !== 'json' && event.contentType !== 'form') return ['content type must be "json" or "form"'];
  if ((text(event.githubBaseURL) || text(event.githubUploadURL)) && !(text(event.githubBaseURL) && text(event.githubUploadURL))) {
    return ['githubBaseURL and githubUploadURL must be set together'];
  }
  return webhookContextProblems(record(event.webhook));
}

function natsProblems(event: Json): string[] {
  if (!text(event.url)) return ['url must be specified'];
  if (!text(event.subject)) return ['subject must be specified'];
  if (event.tls !== undefined) return tlsProblems(record(event.tls) ?? {});
  if (event.queue !== undefined && event.queue === '') return ['queue group cannot be empty if specified'];
  const basic = record(record(event.auth)?.basic);
  if (basic !== undefined && (basic.username === undefined || basic.password === undefined)) return ['basic auth needs a username and a password'];
  return [];
}

function tlsProblems(tls: Json): string[] {
  const ca = tls.caCertSecret !== undefined;
  const cert = tls.clientCertSecret !== undefined;
  const key = tls.clientKeySecret !== undefined;
  if (!ca && !cert && !key && tls.enabled !== true) return ['invalid tls config: configure caCertSecret, or clientCertSecret and clientKeySecret, or both'];
  if (cert !== key) return ['invalid tls config: both clientCertSecret and clientKeySecret need to be configured'];
  return [];
}

function calendarProblems(event: Json): string[] {
  const problems: string[] = [];
  if (!text(event.schedule) && !text(event.interval)) return ['must have either schedule or interval'];
  if (text(event.schedule)) {
    const problem = cronProblem(String(event.schedule));
    if (problem !== undefined) problems.push(`failed to parse schedule: ${problem}`);
  } else if (!isGoDuration(String(event.interval))) problems.push(`failed to parse interval ${String(event.interval)}`);
  if (!isZone(event.timezone as string | undefined)) problems.push(`invalid timezone ${String(event.timezone)}`);
  const maxDuration = record(record(record(event.persistence)?.catchup))?.maxDuration;
  if (maxDuration !== undefined && !isGoDuration(String(maxDuration))) problems.push(`catchup maxDuration ${String(maxDuration)} is not a Go duration`);
  return problems;
}

export function record(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

export function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function text(value: unknown): boolean {
  return (typeof value === 'string' && value !== '') || typeof value === 'number';
}
