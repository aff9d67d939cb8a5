// openapi-fetch over the shared transport: typed paths, parameters and bodies from the generated
// schema, requests sent through RemoteTransport (auth, TLS, timeout, typed errors). Error statuses
// never come back as `{ error }`: the transport has thrown a typed error before openapi-fetch sees them.
import createClient, { type Client } from 'openapi-fetch';
import { Request as UndiciRequest } from 'undici';
import { RemoteApiError, type RemoteRequest } from './errors.js';
import type { RemoteTransport } from './transport.js';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- openapi-fetch's own constraint on a paths type
export function createApiClient<Paths extends {}>(transport: RemoteTransport): Client<Paths> {
  return createClient<Paths>({
    baseUrl: transport.baseUrl,
    // undici's own Request and fetch: the custom CA needs undici 7's Agent, which Node 20's global
    // fetch (an older bundled undici) does not accept.
    Request: UndiciRequest as unknown as typeof Request,
    fetch: transport.fetch as unknown as (input: Request) => Promise<Response>,
  });
}

/**
 * The body of a successful response. Error statuses never get here (the transport threw), so the
 * one failure left is a 2xx without the body the API file promises: a server that is not the API.
 */
export function ok<T>(result: { data?: T }, request: RemoteRequest): T {
  if (result.data === undefined) throw new RemoteApiError(request, undefined, 'the response has no body where the API promises one', { retryable: false });
  return result.data;
}
