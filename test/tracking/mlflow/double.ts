// An in-process MLflow tracking server for tests: a test double written from MLflow's
// service.proto and mlflow_artifacts.proto (paths under /api/2.0, field names as in the protos).
// It serves exactly the rpcs tandem's mirror uses — experiments get-by-name/create, runs
// create/update/search/get, metric history, log-batch, set-tag, and artifact upload (PUT
// /mlflow-artifacts/artifacts/<path>) — over a real socket on 127.0.0.1:0, keeps state in memory
// (double-state.ts) and rejects what MLflow rejects. Switches simulate an outage: answers of 503
// or reset connections for the next N requests (or from a given rpc on), or a closed port
// (connection refused) until start() again.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DoubleError, MlflowState, invalid } from './double-state.js';

export interface RecordedRequest {
  method: string;
  /** `runs/log-batch`, `artifacts/<path>`... */
  rpc: string;
  body: Record<string, unknown> | undefined;
  bytes: number;
}

export interface Outage {
  /** `503`: answer 503 TEMPORARILY_UNAVAILABLE; `reset`: drop the connection without an answer. */
  mode: '503' | 'reset';
  /** How many requests fail; unlimited until restore() when unset. */
  requests?: number;
  /** Start failing only after a request for this rpc was answered (e.g. `runs/create`). */
  afterRpc?: string;
  /** With afterRpc: after this many answered requests for it; default 1. */
  afterCalls?: number;
}

export interface DoubleOptions {
  /** Require `Authorization: Bearer <token>` (401 otherwise). */
  token?: string;
  /** Artifact root of new experiments; default the server's proxy, `mlflow-artifacts:`. */
  artifactRoot?: string;
}

export class MlflowDouble {
  readonly state: MlflowState;
  readonly requests: RecordedRequest[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  private outage: (Outage & { armed: boolean; left: number; seen: number }) | undefined;

  constructor(private readonly options: DoubleOptions = {}) {
    this.state = new MlflowState(options.artifactRoot);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Listens (on a fresh port the first time, on the same port after stop()). */
  async start(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Closes the port: clients get connection refused until start(). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  fail(outage: Outage): void {
    this.outage = { ...outage, armed: outage.afterRpc === undefined, left: outage.requests ?? Infinity, seen: 0 };
  }

  restore(): void {
    this.outage = undefined;
  }

  /** Requests for one rpc, in order. */
  calls(rpc: string): RecordedRequest[] {
    return this.requests.filter((r) => r.rpc === rpc);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://double');
    const rpc = url.pathname.replace(/^\/api\/2\.0\/(mlflow|mlflow-artifacts)\//, '');
    const method = req.method ?? 'GET';

    if (this.outage?.armed && this.outage.left > 0) {
      this.outage.left -= 1;
      if (this.outage.mode === 'reset') {
        req.socket.destroy();
        return;
      }
      return send(res, 503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'the double is down' });
    }
    if (this.options.token !== undefined && req.headers.authorization !== `Bearer ${this.options.token}`) {
      return send(res, 401, { error_code: 'UNAUTHENTICATED', message: 'You are not authenticated.' });
    }
    let body: Record<string, unknown> | undefined;
    try {
      if (method === 'POST') body = raw.length === 0 ? {} : (JSON.parse(raw.toString('utf8')) as Record<string, unknown>);
    } catch {
      return send(res, 400, { error_code: 'MALFORMED_REQUEST', message: 'request body is not JSON' });
    }
    this.requests.push({ method, rpc, body, bytes: raw.length });
    try {
      const answer = this.route(method, url, rpc, body ?? {}, raw);
      send(res, 200, answer);
      const outage = this.outage;
      if (outage !== undefined && !outage.armed && outage.afterRpc === rpc) outage.armed = ++outage.seen >= (outage.afterCalls ?? 1);
    } catch (error) {
      if (error instanceof DoubleError) return send(res, error.status, { error_code: error.errorCode, message: error.message });
      return send(res, 500, { error_code: 'INTERNAL_ERROR', message: error instanceof Error ? error.message : String(error) });
    }
  }

  private route(method: string, url: URL, rpc: string, body: Record<string, unknown>, raw: Buffer): Record<string, unknown> {
    const s = this.state;
    if (url.pathname.startsWith('/api/2.0/mlflow-artifacts/artifacts/')) {
      if (method !== 'PUT') throw new DoubleError(405, 'ENDPOINT_NOT_FOUND', `${method} is not served by the double`);
      s.uploadArtifact(decodeURIComponent(url.pathname.slice('/api/2.0/mlflow-artifacts/artifacts/'.length)), raw);
      return {};
    }
    const key = `${method} ${rpc}`;
    switch (key) {
      case 'GET experiments/get-by-name':
        return s.getExperimentByName(url.searchParams);
      case 'POST experiments/create':
        return s.createExperiment(body);
      case 'POST runs/create':
        return s.createRun(body);
      case 'POST runs/update':
        return s.updateRun(body);
      case 'GET runs/get':
        return s.getRun(url.searchParams);
      case 'POST runs/search':
        return s.searchRuns(body);
      case 'GET metrics/get-history':
        return s.getMetricHistory(url.searchParams);
      case 'POST runs/log-batch':
        return s.logBatch(body, raw.length);
      case 'POST runs/set-tag':
        return s.setTag(body);
      default:
        if (!url.pathname.startsWith('/api/2.0/')) throw invalid(`not an MLflow API path: ${url.pathname}`);
        throw new DoubleError(404, 'ENDPOINT_NOT_FOUND', `${key} is not an endpoint of the double`);
    }
  }
}

function send(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A started double; stop it in an after hook. */
export async function startDouble(options: DoubleOptions = {}): Promise<MlflowDouble> {
  const double = new MlflowDouble(options);
  await double.start();
  return double;
}
