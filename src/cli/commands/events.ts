// tandem events: the events tandem received (list, show — read from the store), replaying one
// (through the running server, which holds the sensors), and producing test events: publishing to
// NATS and posting a signed webhook, so every trigger is one command.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import type { StoredEvent } from '../../events/model.js';
import { publishEvents } from '../../events/sources/nats/publish.js';
import { eventSummary } from '../../events/summary.js';
import { computeSignature } from '../../events/sources/webhook/verify.js';
import { WEBHOOK_DEFAULTS } from '../../events/sources/webhook/schema.js';
import { NotFoundError, TandemError, UsageError } from '../../errors.js';
import type { EventFilter } from '../../store/ports/events.js';
import type { CliContext } from '../context.js';
import { DEFAULT_HOST, DEFAULT_PORT } from '../../config/settings.js';
import { EXIT } from '../exit-codes.js';
import { paintStatus, paletteFor } from '../format/color.js';
import { formatTimestamp } from '../format/duration.js';
import { formatTable } from '../format/table.js';
import { writeJson, writeLine } from '../io.js';
import { withStore } from '../runtime.js';
import { registerDeadLetters } from './dead-letters.js';
import { positiveInt } from './options.js';
import { errorMessage } from '../../util/error-message.js';
import { answerText, postRefusalHint } from './http-answer.js';

/** A server or broker that cannot be reached or fails (exit 4). */
class RemoteError extends TandemError {
  readonly code = 'REMOTE';
  override readonly exitCode = 4;
  constructor(message: string) {
    super(message);
    this.name = 'RemoteError';
  }
}

const DEFAULT_EVENTS_LIMIT = 20;
const DEFAULT_SERVER = `http://${DEFAULT_HOST}:${DEFAULT_PORT}`;
// The variable the README and the example project export (server.tokens in examples/tandem.yaml).
const DEFAULT_TOKEN_ENV = 'TANDEM_API_TOKEN';
const EVENT_STATUSES = ['received', 'dispatched', 'failed'];

type SetExit = (code: number) => void;

export function registerEvents(program: Command, ctx: CliContext, setExit: SetExit): void {
  const events = program
    .command('events')
    .description('list, show and replay received events; list dead letters; publish NATS messages and post signed webhooks')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem events list --source hooks
  $ tandem events show ev-01J2Z8N4T6Q9
  $ TANDEM_API_TOKEN=... tandem events replay ev-01J2Z8N4T6Q9
  $ tandem events dead-letters --sensor on-upload
  $ tandem events publish --subject docs.uploaded --data '{"path":"a.pdf"}'
  $ tandem events post --url http://127.0.0.1:8080/events/hooks --hmac-secret-env HOOK_SECRET --data '{"ref":"main"}'`,
    )
    .action(() => {
      events.outputHelp({ error: true });
      setExit(EXIT.usage);
    });
  registerList(events, ctx, setExit);
  registerShowEvent(events, ctx, setExit);
  registerReplay(events, ctx, setExit);
  registerPublish(events, ctx, setExit);
  registerPost(events, ctx, setExit);
  registerDeadLetters(events, ctx, setExit);
}

function registerList(events: Command, ctx: CliContext, setExit: SetExit): void {
  events
    .command('list')
    .description('list received events, newest first (from the store)')
    .option('--source <name>', 'only events of this event source (its configured name)')
    .option('--type <type>', 'only events of this CloudEvents type')
    .addOption(new Option('--status <status>', 'only events with this status').choices(EVENT_STATUSES))
    .addOption(new Option('--limit <n>', 'at most this many events').argParser(positiveInt('--limit')).default(DEFAULT_EVENTS_LIMIT))
    .option('--before <event>', 'only events received before this event id (paging)')
    .option('--json', 'print the events (without payloads) and their run ids as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem events list
  $ tandem events list --source hooks --status failed --limit 5
  $ tandem events list --type dev.tandem.nats.message --json`,
    )
    .action(async (options: { source?: string; type?: string; status?: StoredEvent['status']; limit: number; before?: string; json?: boolean }, command: Command) => {
      const config = await ctx.config(command);
      const filter: EventFilter = { limit: options.limit };
      if (options.source !== undefined) filter.source = options.source;
      if (options.type !== undefined) filter.type = options.type;
      if (options.status !== undefined) filter.status = options.status;
      if (options.before !== undefined) filter.before = options.before;
      const rows = await withStore(ctx.services, config, async (store) => {
        const found = await store.listEvents(filter);
        return Promise.all(found.map(async (event) => ({ event, runIds: await store.listRunsForEvent(event.eventId) })));
      });
      if (options.json) writeJson(ctx.io.stdout, rows.map(({ event, runIds }) => ({ ...eventSummary(event), runIds })));
      else if (rows.length === 0) writeLine(ctx.io.stdout, 'no events');
      else {
        const columns = [{ header: 'EVENT' }, { header: 'SOURCE' }, { header: 'TYPE' }, { header: 'STATUS' }, { header: 'RECEIVED' }, { header: 'RUNS', align: 'right' as const }];
        const table = rows.map(({ event, runIds }) => [event.eventId, event.sourceName, event.type, event.status, formatTimestamp(event.receivedAt), String(runIds.length)]);
        writeLine(ctx.io.stdout, formatTable(columns, table));
      }
      setExit(EXIT.ok);
    });
}

function registerShowEvent(events: Command, ctx: CliContext, setExit: SetExit): void {
  events
    .command('show')
    .description('show an event: its attributes, payload and the runs it started (from the store)')
    .argument('<event>', 'event id (as `tandem events list` shows it)')
    .option('--json', 'print the event and its runs as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tandem events show ev-01J2Z8N4T6Q9
  $ tandem events show ev-01J2Z8N4T6Q9 --json | jq .data`,
    )
    .action(async (eventId: string, options: { json?: boolean }, command: Command) => {
      const config = await ctx.config(command);
      const { event, runs } = await withStore(ctx.services, config, async (store) => {
        const found = await store.getEvent(eventId);
        if (!found) throw new NotFoundError('event', eventId);
        const runIds = await store.listRunsForEvent(eventId);
        const records = await Promise.all(runIds.map(async (id) => ({ id, run: await store.getRun(id) })));
        return { event: found, runs: records.map(({ id, run }) => ({ id, workflow: run?.workflow ?? '-', status: run?.status })) };
      });
      if (options.json) {
        writeJson(ctx.io.stdout, { ...eventSummary(event), data: event.data, ...(event.extensions ? { extensions: event.extensions } : {}), runIds: runs.map((r) => r.id), runs });
      } else {
        const out = ctx.io.stdout;
        const p = paletteFor(out, ctx.io.env);
        const field = (name: string, value: string | undefined) => value !== undefined && writeLine(out, `${name.padEnd(9)} ${value}`);
        field('event', event.eventId);
        field('source', `${event.sourceName} (${event.source})`);
        field('id', event.id);
        field('type', event.type);
        field('subject', event.subject);
        field('time', event.time);
        field('received', formatTimestamp(event.receivedAt));
        field('status', event.status);
        field('error', event.error);
        for (const [name, value] of Object.entries(event.extensions ?? {})) field(name, value);
        writeLine(out, `data (${event.datacontenttype}):`);
        for (const line of JSON.stringify(event.data, null, 2).split('\n')) writeLine(out, `  ${line}`);
        if (runs.length === 0) writeLine(out, 'runs: none');
        else {
          writeLine(out, 'runs:');
          const table = formatTable([{ header: 'RUN' }, { header: 'WORKFLOW' }, { header: 'STATUS' }], runs.map((r) => [r.id, r.workflow, r.status === undefined ? 'not created' : paintStatus(p, r.status)]));
          for (const line of table.split('\n')) writeLine(out, `  ${line}`);
        }
      }
      setExit(EXIT.ok);
    });
}

function registerReplay(events: Command, ctx: CliContext, setExit: SetExit): void {
  events
    .command('replay')
    .description("offer a stored event to the running server's sensors again, as a new delivery")
    .argument('<event>', 'event id')
    .option('--server <url>', `the tandem server (default: TANDEM_SERVER, else ${DEFAULT_SERVER})`)
    .option('--token-env <name>', 'environment variable holding the API token', DEFAULT_TOKEN_ENV)
    .option('--json', "print the server's answer as JSON")
    .addHelpText(
      'after',
      `
Examples:
  $ TANDEM_API_TOKEN=... tandem events replay ev-01J2Z8N4T6Q9
  $ tandem events replay ev-01J2Z8N4T6Q9 --server http://tandem:8080 --token-env TANDEM_ADMIN_TOKEN

Replaying needs the running server (\`tandem serve\`): its sensors hold the state that decides what
fires. The token is read from the environment, never from a flag; replaying an event from a source
needs a token allowed in every namespace of the sensors listening to that source (see
docs/api.md). An API call's event starts its workflow again with the same params.`,
    )
    .action(async (eventId: string, options: { server?: string; tokenEnv: string; json?: boolean }) => {
      const token = ctx.io.env[options.tokenEnv];
      if (!token) throw new UsageError(`set ${options.tokenEnv} to an API token of the server (or name another variable with --token-env)${formerTokenHint(ctx, options.tokenEnv)}`);
      const server = (options.server ?? ctx.io.env.TANDEM_SERVER ?? DEFAULT_SERVER).replace(/\/+$/, '');
      const { status, body } = await request(`${server}/api/v1/events/${encodeURIComponent(eventId)}/replay`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      if (status === 404) throw new NotFoundError('event', eventId);
      failUnlessOk(status, body, server, status === 401 || status === 403 ? `check that ${options.tokenEnv} holds an API token of this server` : undefined);
      const answer = body as { eventId: string; runIds: string[]; duplicate?: boolean };
      if (options.json) writeJson(ctx.io.stdout, answer);
      else if (answer.runIds.length === 0) writeLine(ctx.io.stdout, `replayed ${eventId} as ${answer.eventId}: no sensor fired`);
      else writeLine(ctx.io.stdout, `replayed ${eventId} as ${answer.eventId}: run${answer.runIds.length === 1 ? '' : 's'} ${answer.runIds.join(', ')}`);
      setExit(EXIT.ok);
    });
}

function registerPublish(events: Command, ctx: CliContext, setExit: SetExit): void {
  events
    .command('publish')
    .description('publish test messages to a NATS subject (JSON or MessagePack)')
    .option('--nats <url>', 'NATS server (default: NATS_URL, else nats://127.0.0.1:4222)')
    .requiredOption('--subject <subject>', 'subject to publish to')
    .option('--data <json>', 'the payload, as JSON (default {})')
    .option('--file <file>', 'read the JSON payload from this file')
    .option('--msgpack', 'encode the payload as MessagePack instead of JSON')
    .addOption(new Option('--count <n>', 'publish this many messages').argParser(positiveInt('--count')).default(1))
    .option('--jetstream', 'publish through JetStream and wait for the stream to acknowledge each message')
    .addOption(new Option('--header <name=value>', 'a message header, e.g. ce-type=com.example.upload (repeatable)').argParser(collectHeader))
    .addHelpText(
      'after',
      `
Examples:
  $ tandem events publish --subject docs.uploaded --data '{"path":"docs/a.pdf","size":1200}'
  $ tandem events publish --nats nats://127.0.0.1:4222 --subject docs.uploaded --msgpack --jetstream --count 100 --file doc.json`,
    )
    .action(async (options: { nats?: string; subject: string; data?: string; file?: string; msgpack?: boolean; count: number; jetstream?: boolean; header?: Record<string, string> }) => {
      const payload = readPayload(ctx, options.data, options.file);
      const url = options.nats ?? ctx.io.env.NATS_URL ?? 'nats://127.0.0.1:4222';
      const result = await publishEvents({
        url,
        subject: options.subject,
        payload: JSON.parse(payload) as unknown,
        count: options.count,
        format: options.msgpack ? 'msgpack' : 'json',
        ...(options.header ? { headers: options.header } : {}),
        ...(options.jetstream ? { jetStream: true } : {}),
      }).catch((error: unknown) => {
        throw new RemoteError(`cannot publish to ${url}: ${errorMessage(error)}`);
      });
      const sequences = result.sequences && result.sequences.length > 0 ? ` (stream sequence ${result.sequences[0]}${result.sequences.length > 1 ? `-${result.sequences.at(-1)}` : ''})` : '';
      writeLine(ctx.io.stdout, `published ${result.published} message${result.published === 1 ? '' : 's'} to ${options.subject}${sequences}`);
      setExit(EXIT.ok);
    });
}

function registerPost(events: Command, ctx: CliContext, setExit: SetExit): void {
  events
    .command('post')
    .description('POST a webhook, signed with HMAC-SHA256 the way the webhook source checks it')
    .requiredOption('--url <url>', 'the webhook URL, e.g. http://127.0.0.1:8080/events/hooks')
    .option('--data <json>', 'the body, as JSON (default {})')
    .option('--file <file>', 'read the body from this file (sent as is)')
    .option('--hmac-secret-env <name>', 'environment variable holding the HMAC secret; without it the body is not signed')
    .option('--header-name <name>', 'header carrying the signature', WEBHOOK_DEFAULTS.signatureHeader)
    .option('--prefix <text>', 'text before the signature in the header, e.g. sha256= (GitHub); default none')
    .option('--timestamp-header <name>', 'also send the time (Unix seconds) in this header and sign `${timestamp}.${body}` (Stripe-style)')
    .option('--token-env <name>', 'environment variable holding a bearer token to send (webhooks with bearer auth)')
    .option('--content-type <type>', 'the Content-Type header', 'application/json')
    .addOption(new Option('--header <name=value>', 'another header, e.g. X-GitHub-Delivery=72d3 (repeatable)').argParser(collectHeader))
    .option('--json', "print only the server's JSON answer")
    .addHelpText(
      'after',
      `
Examples:
  $ HOOK_SECRET=s3cret tandem events post --url http://127.0.0.1:8080/events/hooks --hmac-secret-env HOOK_SECRET --data '{"ref":"main"}'
  $ tandem events post --url http://127.0.0.1:8080/events/github --hmac-secret-env GH_SECRET --header-name X-Hub-Signature-256 --prefix sha256= --file push.json

Exit: 0 for a 2xx answer, 2 for a refused request (4xx), 3 for 404, 4 when the server fails or
cannot be reached.`,
    )
    .action(
      async (options: {
        url: string;
        data?: string;
        file?: string;
        hmacSecretEnv?: string;
        headerName: string;
        prefix?: string;
        timestampHeader?: string;
        tokenEnv?: string;
        contentType: string;
        header?: Record<string, string>;
        json?: boolean;
      }) => {
        const body = Buffer.from(readPayload(ctx, options.data, options.file, options.contentType.includes('json')), 'utf8');
        const headers: Record<string, string> = { 'content-type': options.contentType, ...options.header };
        if (options.hmacSecretEnv !== undefined) {
          const secret = envValue(ctx, options.hmacSecretEnv, '--hmac-secret-env');
          const timestamp = options.timestampHeader !== undefined ? String(Math.floor(Date.now() / 1000)) : undefined;
          if (options.timestampHeader !== undefined && timestamp !== undefined) headers[options.timestampHeader] = timestamp;
          headers[options.headerName] = `${options.prefix ?? ''}${computeSignature(secret, body, timestamp)}`;
        }
        if (options.tokenEnv !== undefined) headers.authorization = `Bearer ${envValue(ctx, options.tokenEnv, '--token-env')}`;
        const { status, body: answer } = await request(options.url, { method: 'POST', headers, body });
        if (status === 404) throw new NotFoundError('webhook route', new URL(options.url).pathname);
        failUnlessOk(status, answer, options.url, postRefusalHint(status, { bytes: body.length, signed: options.hmacSecretEnv !== undefined, token: options.tokenEnv !== undefined }));
        if (options.json) writeJson(ctx.io.stdout, answer);
        else writeLine(ctx.io.stdout, `HTTP ${status} ${typeof answer === 'string' ? answer : JSON.stringify(answer)}`);
        setExit(EXIT.ok);
      },
    );
}

/** Earlier versions read TANDEM_TOKEN: someone who still sets it is told the name now read. */
function formerTokenHint(ctx: CliContext, tokenEnv: string): string {
  return tokenEnv === DEFAULT_TOKEN_ENV && ctx.io.env.TANDEM_TOKEN ? '; TANDEM_TOKEN is set, but the variable is now TANDEM_API_TOKEN' : '';
}

function collectHeader(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`expected NAME=VALUE, got ${JSON.stringify(value)}`);
  return { ...previous, [value.slice(0, at).trim()]: value.slice(at + 1) };
}

function envValue(ctx: CliContext, name: string, flag: string): string {
  const value = ctx.io.env[name];
  if (!value) throw new UsageError(`${flag}: the environment variable ${name} is not set`);
  return value;
}

/** The payload text of --data or --file (default `{}`); checked to be JSON when `json`. */
function readPayload(ctx: CliContext, data: string | undefined, file: string | undefined, json = true): string {
  if (data !== undefined && file !== undefined) throw new UsageError('give either --data or --file, not both');
  let text = data ?? '{}';
  if (file !== undefined) {
    try {
      text = readFileSync(resolve(ctx.io.cwd, file), 'utf8');
    } catch (error) {
      throw new UsageError(`--file: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`);
    }
  }
  if (json) {
    try {
      JSON.parse(text);
    } catch (error) {
      throw new UsageError(`${file !== undefined ? `--file ${file}` : '--data'}: not valid JSON: ${errorMessage(error)}`);
    }
  }
  return text;
}

async function request(url: string, init: RequestInit): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new RemoteError(`cannot reach ${url}: ${cause?.code ?? cause?.message ?? errorMessage(error)}`);
  }
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as unknown };
  } catch {
    return { status: response.status, body: text };
  }
}

/** 2xx passes; 4xx is a usage error (exit 2) with the server's message; anything else exit 4. */
function failUnlessOk(status: number, body: unknown, where: string, hint?: string): void {
  if (status >= 200 && status < 300) return;
  const message = `${where} answered ${answerText(status, body)}${hint === undefined ? '' : `; ${hint}`}`;
  if (status >= 400 && status < 500) throw new UsageError(message);
  throw new RemoteError(message);
}
