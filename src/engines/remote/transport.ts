// The HTTP transport both remote clients share: one undici Agent per endpoint (so a custom CA
// applies to this endpoint only), a bearer token read for every request (a projected
// service-account token file rotates under a running process), extra headers (multi-user KFP's
// `kubeflow-userid`), a timeout, and typed errors with every secret redacted.
import { readFileSync } from 'node:fs';
import { Agent, Headers, Response as UndiciResponse, fetch as undiciFetch, type Request as UndiciRequest } from 'undici';
import { readSecret, type SecretRef } from '../../secrets.js';
import { RemoteConfigError, RemoteNotFoundError, type RemoteRequest } from './errors.js';
import { RequestTimeout, networkError } from './network-errors.js';
import { Redactor } from './redact.js';
import { responseError } from './response-errors.js';

export interface RemoteEndpoint {
  /** e.g. `https://argo-server.argo:2746` or `http://ml-pipeline.kubeflow:8888`. */
  baseUrl: string;
  /** Where the bearer token is: an environment variable or a file (re-read on every request). */
  token?: SecretRef;
  /** Headers sent on every request, e.g. `{ 'kubeflow-userid': 'alice@example.com' }`. */
  headers?: Readonly<Record<string, string>>;
  /** A PEM file of the CA(s) that signed the server's certificate, trusted in place of the system's. */
  caFile?: string;
  /** How long a request may take: to the whole body, or to the response headers for a stream. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** Statuses whose responses have no body (a Response refuses one). */
const NULL_BODY = new Set([101, 204, 205, 304]);

export class RemoteTransport {
  readonly redactor = new Redactor();
  readonly baseUrl: string;
  private readonly agent: Agent;
  private readonly timeoutMs: number;

  constructor(
    /** Named in every error: `Argo Server`, `KFP API`. */
    readonly service: string,
    private readonly endpoint: RemoteEndpoint,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    let url: URL;
    try {
      url = new URL(endpoint.baseUrl);
    } catch {
      throw new RemoteConfigError(service, `base URL ${JSON.stringify(endpoint.baseUrl)} is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RemoteConfigError(service, `base URL ${JSON.stringify(endpoint.baseUrl)} is not http(s)`);
    this.baseUrl = endpoint.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = endpoint.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(this.timeoutMs > 0)) throw new RemoteConfigError(service, `timeout must be a positive number of milliseconds, found ${endpoint.timeoutMs}`);
    this.agent = new Agent(endpoint.caFile === undefined ? {} : { connect: { ca: readCa(service, endpoint.caFile) } });
  }

  /** The fetch handed to openapi-fetch: the whole body is read (within the timeout) before it returns. */
  readonly fetch = (input: UndiciRequest): Promise<UndiciResponse> => this.send(input, false);

  /** A request whose body the caller reads as a stream: the timeout covers only the wait for headers. */
  stream(input: UndiciRequest): Promise<UndiciResponse> {
    return this.send(input, true);
  }

  /** The typed error for a response already received (a stream's error frame, say). */
  describe(input: UndiciRequest): RemoteRequest {
    return { service: this.service, method: input.method, path: new URL(input.url).pathname };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async send(input: UndiciRequest, stream: boolean): Promise<UndiciResponse> {
    const request = this.describe(input);
    const headers = new Headers(input.headers);
    for (const [name, value] of Object.entries(this.endpoint.headers ?? {})) headers.set(name, value);
    if (this.endpoint.token !== undefined) {
      // Read now, not at construction: the file may hold a new token since the last request.
      const token = readSecret(this.endpoint.token, this.env);
      this.redactor.add(token);
      headers.set('authorization', `Bearer ${token}`);
    }
    if (!headers.has('accept')) headers.set('accept', 'application/json');
    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(new RequestTimeout(this.timeoutMs)), this.timeoutMs);
    const signal = AbortSignal.any([input.signal, timer.signal]);
    try {
      const response = await undiciFetch(input.url, {
        method: input.method,
        headers,
        body: input.body,
        duplex: 'half',
        signal,
        dispatcher: this.agent,
        redirect: 'manual',
      });
      if (!response.ok) throw responseError(request, response.status, await response.text(), this.redactor);
      if (stream) return response;
      const body = NULL_BODY.has(response.status) ? null : await response.arrayBuffer();
      return new UndiciResponse(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    } catch (error) {
      // The caller's own abort is theirs to handle, not a remote failure.
      if (input.signal.aborted) throw input.signal.reason;
      if (error instanceof RemoteNotFoundError) throw error;
      throw networkError(request, error, this.redactor);
    } finally {
      clearTimeout(timeout);
    }
  }
}

function readCa(service: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new RemoteConfigError(service, `cannot read the CA file ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
