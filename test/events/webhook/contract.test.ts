// The EventSource contract against the webhook source, mounted through the port's HTTP hook on
// tandem's own server (createServer, API-token auth on every other route) listening on port 0, and
// driven over real HTTP. A delivery is a POST with a delivery id header; the transport's
// acknowledgement is the 202; a rejected delivery is answered 503 with Retry-After, and the
// sender's retry (the same request again) is what redelivers it.
import assert from 'node:assert/strict';
import { createServer } from '../../../src/server/app.js';
import { TokenAuth } from '../../../src/server/auth.js';
import { WebhookEventSource } from '../../../src/events/sources/webhook/source.js';
import { sourceContract, type Delivery, type SourceUnderTest } from '../source-contract.js';

interface Answer {
  status: number;
  retryAfter: string | null;
}

async function createWebhook(): Promise<SourceUnderTest> {
  const server = createServer({ auth: new TokenAuth([{ name: 'ci', token: 'contract-api-token', namespaces: ['*'] }]) });
  const source = new WebhookEventSource('contract', { idHeader: 'X-Delivery' }, { retryAfterSeconds: 1 });
  source.mountRoutes(server.app);
  const base = await server.app.listen({ host: '127.0.0.1', port: 0 });
  const url = `${base}${source.path}`;
  const answers = new Map<string, Answer>();
  const pending = new Map<string, Promise<Answer>>();
  let sent = 0;

  const post = (id: string): Promise<Answer> => {
    answers.delete(id);
    const answer = fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-delivery': id }, body: JSON.stringify({ delivery: id }) }).then(
      async (response) => {
        await response.arrayBuffer();
        const result = { status: response.status, retryAfter: response.headers.get('retry-after') };
        answers.set(id, result);
        return result;
      },
    );
    pending.set(id, answer);
    return answer;
  };

  return {
    source,
    async deliver(): Promise<Delivery> {
      const id = `d-${++sent}`;
      void post(id).catch(() => undefined);
      return { id };
    },
    async isAcknowledged({ id }) {
      return answers.get(id)?.status === 202;
    },
    async redeliver({ id }) {
      const first = await pending.get(id);
      assert.equal(first?.status, 503, 'a rejected delivery is answered 503');
      assert.ok(first?.retryAfter, 'with Retry-After, so the sender retries');
      // What the sender does after Retry-After: the same request again.
      void post(id).catch(() => undefined);
    },
    async settleWhileStopped({ id }) {
      const answer = await pending.get(id);
      assert.equal(answer?.status, 503, 'a stopped webhook source answers 503');
      assert.ok(answer?.retryAfter, 'with Retry-After');
    },
    async close() {
      await source.stop();
      await Promise.allSettled([...pending.values()]);
      await server.app.close();
    },
  };
}

sourceContract({
  name: 'webhook',
  rejected: { redelivers: true },
  // The sender keeps it (it was told to retry), not the source.
  keepsWhileStopped: false,
  canHoldStart: false,
  create: () => createWebhook(),
  async unreachable() {
    // The webhook's transport is the server's listener; what can keep it from starting is a secret
    // that is not there.
    return new WebhookEventSource('contract', { hmac: { secret: { env: 'TANDEM_CONTRACT_NO_SUCH_SECRET' } } }, { env: {} });
  },
});
