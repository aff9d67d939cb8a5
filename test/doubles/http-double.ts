// In-process test double support, written for tandem from the official Swagger 2.0 API files
// (../shared/specs/argo-workflows/swagger.json, ../shared/specs/kfp/kfp_api_v2beta1.swagger.json);
// not upstream code.
//
// The HTTP side both doubles share, shaped like a grpc-gateway in front of a gRPC server: route by
// the Swagger path templates (404 for an unknown path, 405 for a known path with another method),
// decode the body (400), authenticate (401/403), check parameters and body against the schema
// (400), run the handler, check the answer against the response schema, and write it as JSON or as
// a stream. Everything a real server would refuse or silently drop, and every answer that does not
// match the schema, is also recorded as a contract violation the test asserts is empty at its end.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Faults } from './faults.js';
import type { SwaggerContract, SwaggerOperation } from './swagger-validator.js';

/** gRPC status codes the doubles answer with, and the HTTP status grpc-gateway maps each to. */
export const GRPC = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  FAILED_PRECONDITION: 9,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

const HTTP_OF_GRPC: Record<number, number> = { 3: 400, 5: 404, 6: 409, 7: 403, 9: 400, 12: 501, 13: 500, 14: 503, 16: 401 };

/** An answer a handler gives by throwing: a gRPC code (mapped to HTTP as grpc-gateway does) and a message. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly grpcCode: number,
    message: string,
    status?: number,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status ?? HTTP_OF_GRPC[grpcCode] ?? 500;
  }
}

export interface Violation {
  /** `request`: the client sent what the real server refuses or drops; `response`: the double answered off-schema. */
  side: 'request' | 'response';
  method: string;
  path: string;
  operationId?: string;
  problems: string[];
}

export interface Incoming {
  operationId: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  headers: IncomingMessage['headers'];
}

export interface StreamSink {
  /** Validates and writes one message; false once the stream is closed. */
  send(message: unknown): boolean;
  /** Ends the stream normally. */
  end(): void;
  /** Resolves when the client goes away or the stream ends. */
  readonly closed: Promise<void>;
}

export type Outgoing = { status?: number; body: unknown } | { stream: (sink: StreamSink) => void };

export type Handler = (request: Incoming) => Outgoing | Promise<Outgoing>;

export interface DoubleConfig {
  contract: SwaggerContract;
  handlers: Record<string, Handler>;
  /** The error message body the real gateway writes. */
  errorBody(error: ApiError): unknown;
  /** An ApiError (401/403) when the request's credentials are refused. */
  authenticate(headers: IncomingMessage['headers'], operationId: string, params: Record<string, string>): ApiError | undefined;
  /** Whether unknown body fields are refused (protojson) or dropped (encoding/json); recorded either way. */
  unknownBodyFields: 'refuse' | 'ignore';
  /** Headers added to every answer of this status. */
  headers?(status: number): Record<string, string>;
  /** Body readers by operationId for bodies that are not JSON (multipart uploads). */
  bodyReaders?: Record<string, (raw: Buffer, contentType: string) => unknown>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function wait(ms: number, until: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void until.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function dropField(body: unknown, pointer: string, field: string): void {
  let node = body;
  for (const step of pointer.split('/').slice(1)) {
    const key = step.replaceAll('~1', '/').replaceAll('~0', '~');
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  }
  if (typeof node === 'object' && node !== null) delete (node as Record<string, unknown>)[field];
}

export class HttpDouble {
  readonly faults = new Faults();
  private readonly recorded: Violation[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly streams = new Set<() => void>();
  private address = '';

  constructor(
    private readonly config: DoubleConfig,
    server?: Server,
  ) {
    this.server = server ?? createServer();
    this.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.serve(req, res).catch((error: unknown) => {
        this.record({ side: 'response', method: req.method ?? '', path: req.url ?? '', problems: [`double crashed: ${String(error)}`] });
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
    });
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Listens on 127.0.0.1 at a free port; resolves with the base URL (https when given an HTTPS server). */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const scheme = this.server instanceof HttpsServer ? 'https' : 'http';
    this.address = `${scheme}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.address;
  }

  get url(): string {
    return this.address;
  }

  async close(): Promise<void> {
    for (const end of this.streams) end();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get violations(): readonly Violation[] {
    return this.recorded;
  }

  /** Returns and forgets the violations so far (a test that provokes some on purpose). */
  takeViolations(): Violation[] {
    return this.recorded.splice(0);
  }

  /** Throws, listing every violation, unless none was recorded. */
  assertNoViolations(): void {
    if (this.recorded.length === 0) return;
    const lines = this.recorded.map((v) => `${v.side} ${v.method} ${v.path}${v.operationId ? ` (${v.operationId})` : ''}: ${v.problems.join('; ')}`);
    throw new Error(`contract violations:\n  ${lines.join('\n  ')}`);
  }

  private record(violation: Violation): void {
    this.recorded.push(violation);
  }

  private sendJson(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...this.config.headers?.(status) });
    res.end(text);
  }

  private sendError(res: ServerResponse, error: ApiError, operation: SwaggerOperation | undefined, where: Omit<Violation, 'side' | 'problems'>): void {
    const body = this.config.errorBody(error);
    if (operation !== undefined) {
      const problems = this.config.contract.checkResponse(operation, error.status, body);
      if (problems.length > 0) this.record({ side: 'response', ...where, problems });
    }
    this.sendJson(res, error.status, body);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://double');
    const where = { method, path: url.pathname };
    const match = this.config.contract.match(method, url.pathname);
    const operation = match.kind === 'found' ? match.operation : undefined;
    const operationId = operation?.operationId ?? '';
    if (this.faults.takeReset(operationId)) {
      req.socket.destroy();
      return;
    }
    if (this.faults.takeUnavailable(operationId)) {
      this.sendJson(res, 503, this.config.errorBody(new ApiError(GRPC.UNAVAILABLE, 'upstream connect error: injected by the test double')));
      return;
    }
    if (match.kind === 'not-found') {
      this.record({ side: 'request', ...where, problems: ['no such route in the API file'] });
      this.sendJson(res, 404, this.config.errorBody(new ApiError(GRPC.NOT_FOUND, 'Not Found')));
      return;
    }
    if (match.kind === 'method-not-allowed') {
      this.record({ side: 'request', ...where, problems: [`${method} is not allowed here (the API file has ${match.allowed.join(', ')})`] });
      this.sendJson(res, 405, this.config.errorBody(new ApiError(GRPC.UNIMPLEMENTED, 'Method Not Allowed', 405)));
      return;
    }
    const op = match.operation;
    const at = { ...where, operationId };
    const raw = await readBody(req);
    let body: unknown;
    const contentType = req.headers['content-type'] ?? '';
    const reader = this.config.bodyReaders?.[operationId];
    try {
      if (reader !== undefined) body = reader(raw, contentType);
      else if (raw.length > 0) body = JSON.parse(raw.toString('utf8')) as unknown;
    } catch (error) {
      const message = error instanceof ApiError ? error.message : `body is not valid: ${(error as Error).message}`;
      this.record({ side: 'request', ...at, problems: [message] });
      this.sendError(res, new ApiError(GRPC.INVALID_ARGUMENT, message), op, at);
      return;
    }
    const refusedAuth = this.config.authenticate(req.headers, operationId, match.params);
    if (refusedAuth !== undefined) {
      this.sendError(res, refusedAuth, op, at);
      return;
    }
    const problems = this.config.contract.checkRequest(op, { params: match.params, query: url.searchParams, body: reader === undefined ? body : undefined });
    if (problems.refused.length + problems.ignored.length > 0) {
      this.record({ side: 'request', ...at, problems: [...problems.refused, ...problems.ignored] });
    }
    const refused = this.config.unknownBodyFields === 'refuse'
      ? [...problems.refused, ...problems.ignored.filter((p) => p.startsWith('body'))]
      : problems.refused;
    if (refused.length > 0) {
      this.sendError(res, new ApiError(GRPC.INVALID_ARGUMENT, refused.join('; ')), op, at);
      return;
    }
    // What encoding/json would do with them: the handler never sees unknown fields.
    for (const { at: pointer, field } of problems.unknownFields) dropField(body, pointer, field);
    const handler = this.config.handlers[operationId];
    if (handler === undefined) {
      this.record({ side: 'request', ...at, problems: [`the double does not implement ${operationId}`] });
      this.sendError(res, new ApiError(GRPC.UNIMPLEMENTED, `${operationId} is not implemented by the test double`), op, at);
      return;
    }
    const clientGone = new Promise<void>((resolve) => res.on('close', () => resolve()));
    let outgoing: Outgoing;
    try {
      outgoing = await handler({ operationId, params: match.params, query: url.searchParams, body, headers: req.headers });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      // A part of the API the double leaves out must not pass for the real server's answer.
      if (error.grpcCode === GRPC.UNIMPLEMENTED) this.record({ side: 'request', ...at, problems: [error.message] });
      const stall = this.faults.takeStall(operationId);
      if (stall !== undefined) await wait(stall, clientGone);
      if (!res.destroyed) this.sendError(res, error, op, at);
      return;
    }
    const stall = this.faults.takeStall(operationId);
    if (stall !== undefined) await wait(stall, clientGone);
    if (res.destroyed) return;
    if ('stream' in outgoing) {
      this.stream(req, res, op, at, outgoing.stream, clientGone);
      return;
    }
    const status = outgoing.status ?? 200;
    const responseProblems = this.config.contract.checkResponse(op, status, outgoing.body);
    if (responseProblems.length > 0) this.record({ side: 'response', ...at, problems: responseProblems });
    this.sendJson(res, status, outgoing.body);
  }

  private stream(
    req: IncomingMessage,
    res: ServerResponse,
    op: SwaggerOperation,
    at: Omit<Violation, 'side' | 'problems'>,
    source: (sink: StreamSink) => void,
    clientGone: Promise<void>,
  ): void {
    // Argo Server writes server-sent events when asked for them, newline-delimited JSON otherwise.
    const sse = (req.headers.accept ?? '').includes('text/event-stream');
    res.writeHead(200, { 'Content-Type': sse ? 'text/event-stream' : 'application/json', ...this.config.headers?.(200) });
    res.flushHeaders();
    let dropAfter = this.faults.takeDrop(at.operationId ?? '');
    let open = true;
    let ended: () => void = () => {};
    const closed = new Promise<void>((resolve) => {
      ended = resolve;
    });
    const finish = (): void => {
      if (!open) return;
      open = false;
      this.streams.delete(end);
      ended();
    };
    const end = (): void => {
      if (open) res.end();
      finish();
    };
    this.streams.add(end);
    void clientGone.then(finish);
    const sink: StreamSink = {
      send: (message) => {
        if (!open) return false;
        const problems = this.config.contract.checkResponse(op, 200, message);
        if (problems.length > 0) this.record({ side: 'response', ...at, problems });
        const text = sse ? `data: ${JSON.stringify(message)}\n\n` : `${JSON.stringify(message)}\n`;
        if (dropAfter !== undefined && --dropAfter <= 0) {
          // A cut connection, not an orderly end (no closing chunk): the client must notice and
          // re-watch. The socket goes once this last message has left.
          const socket = res.socket;
          res.write(text, () => socket?.destroy());
          finish();
          return false;
        }
        res.write(text);
        return true;
      },
      end,
      closed,
    };
    if (dropAfter !== undefined && dropAfter <= 0) {
      res.socket?.destroy();
      finish();
      return;
    }
    source(sink);
  }
}

/** What every API double offers its tests, served by its HttpDouble: faults, start, url, close, violations. */
export abstract class ApiDouble {
  abstract readonly http: HttpDouble;

  get faults(): HttpDouble['faults'] {
    return this.http.faults;
  }

  start(): Promise<string> {
    return this.http.start();
  }

  get url(): string {
    return this.http.url;
  }

  close(): Promise<void> {
    return this.http.close();
  }

  assertNoViolations(): void {
    this.http.assertNoViolations();
  }
}
