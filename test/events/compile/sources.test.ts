// Unit tests of the event source half of the Argo Events compiler: NATS, webhook (generic and
// GitHub-signed) and cron → calendar, and every feature each refuses with a CompileError.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompileError } from '../../../src/errors.js';
import { compileProjectToArgoEvents } from '../../../src/events/compile/index.js';
import { goDuration, standardSchedule } from '../../../src/events/compile/calendar-source.js';
import { secretKeyOf } from '../../../src/events/compile/secrets.js';
import type { EventSourceConfig } from '../../../src/project/load.js';
import { compileChecked, cronSource, natsSource, project, standInDeps, webhookSource } from './stand-ins.js';

function compileSource(source: EventSourceConfig, deps = standInDeps()) {
  const out = compileChecked(project([source], []), deps);
  return { manifest: out.eventSources[0] as { metadata: Record<string, unknown>; spec: Record<string, Record<string, Record<string, unknown>>> }, warnings: out.warnings };
}

function refusal(source: EventSourceConfig, deps = standInDeps()): CompileError {
  try {
    compileProjectToArgoEvents(project([source], []), deps);
  } catch (error) {
    if (error instanceof CompileError) return error;
    throw error;
  }
  return assert.fail('expected a CompileError');
}

void describe('NATS event source', () => {
  void it('maps url, subject, queue and JSON payloads, with namespace and event bus', () => {
    const { manifest } = compileSource(natsSource({ queue: 'tandem', payload: 'json' }), standInDeps({ namespace: 'ml', eventBusName: 'bus' }));
    assert.deepEqual(manifest.metadata, { name: 'uploads', namespace: 'ml' });
    assert.equal(manifest.spec.eventBusName as unknown, 'bus');
    assert.deepEqual(manifest.spec.nats!.uploads, { url: 'nats://nats:4222', subject: 'docs.>', jsonBody: true, queue: 'tandem' });
  });

  void it('joins several URLs and passes MessagePack through as bytes (jsonBody false)', () => {
    const { manifest } = compileSource(natsSource({ url: undefined, urls: ['nats://a:4222', 'nats://b:4222'], payload: 'msgpack' }));
    assert.equal(manifest.spec.nats!.uploads!.url, 'nats://a:4222,nats://b:4222');
    assert.equal(manifest.spec.nats!.uploads!.jsonBody, false);
  });

  void it('turns secret references into keys of one Secret', () => {
    const token = compileSource(natsSource({ auth: { token: { env: 'NATS_TOKEN' } } }), standInDeps({ secretName: 'my-secrets' }));
    assert.deepEqual(token.manifest.spec.nats!.uploads!.auth, { token: { name: 'my-secrets', key: 'NATS_TOKEN' } });
    const basic = compileSource(natsSource({ auth: { user: 'tandem', password: { file: '/run/secrets/nats pass' } } }));
    assert.deepEqual(basic.manifest.spec.nats!.uploads!.auth, {
      basic: { username: { name: 'tandem-secrets', key: 'uploads-nats-user' }, password: { name: 'tandem-secrets', key: 'nats_pass' } },
    });
    const creds = compileSource(natsSource({ auth: { credsFile: '/etc/nats/user.creds', tls: { ca: '/etc/nats/ca.pem' } } }));
    assert.deepEqual(creds.manifest.spec.nats!.uploads!.auth, { credential: { name: 'tandem-secrets', key: 'user.creds' } });
    assert.deepEqual(creds.manifest.spec.nats!.uploads!.tls, { caCertSecret: { name: 'tandem-secrets', key: 'ca.pem' } });
    assert.equal(secretKeyOf({ env: 'A B' }), 'A_B');
  });

  void it('refuses JetStream, several ways to authenticate, and TLS handshake-first', () => {
    assert.equal(refusal(natsSource({ jetStream: { stream: 'S', consumer: 'c' } })).feature, 'jetStream');
    assert.equal(refusal(natsSource({ auth: { token: { env: 'T' }, nkeySeed: { env: 'N' } } })).feature, 'auth');
    assert.equal(refusal(natsSource({ auth: { tls: { handshakeFirst: true } } })).feature, 'auth.tls.handshakeFirst');
  });

  void it('warns about tandem-only connection tuning', () => {
    const { warnings } = compileSource(natsSource({ maxInFlight: 10 }));
    assert.deepEqual(warnings.map((w) => w.feature), ['connection tuning']);
  });
});

void describe('webhook event source', () => {
  void it('maps path, port, bearer token and body limit to a generic webhook', () => {
    const { manifest } = compileSource(webhookSource({ path: '/in', bearer: { token: { env: 'HOOK_TOKEN' } }, maxBodyBytes: 2048 }), standInDeps({ webhookPort: 8443 }));
    assert.deepEqual(manifest.spec.webhook!.hook, { endpoint: '/in', port: '8443', method: 'POST', maxPayloadSize: 2048, authSecret: { name: 'tandem-secrets', key: 'HOOK_TOKEN' } });
  });

  void it('defaults the endpoint to /events/<name>, port 12000 and 1 MiB', () => {
    const { manifest } = compileSource(webhookSource());
    assert.deepEqual(manifest.spec.webhook!.hook, { endpoint: '/events/hook', port: '12000', method: 'POST', maxPayloadSize: 1048576 });
  });

  void it('declares the Service that makes the webhook reachable, for generic and GitHub sources alike, and records its URL', () => {
    const github = { secret: { env: 'GH_SECRET' }, header: 'X-Hub-Signature-256', prefix: 'sha256=' };
    for (const source of [webhookSource({ path: '/in' }), webhookSource({ path: '/in', hmac: github })]) {
      const out = compileChecked(project([source], []), standInDeps({ webhookPort: 8443, namespace: 'ci', github: { organizations: ['o'] } }));
      const spec = (out.eventSources[0] as { spec: Record<string, unknown> }).spec;
      // Without spec.service the controller creates no Service, and nothing outside the pod reaches the port.
      assert.deepEqual(spec.service, { ports: [{ name: 'webhook', port: 8443, targetPort: 8443 }] });
      assert.deepEqual(out.endpoints, [{ source: 'hook', url: 'http://hook-eventsource-svc.ci:8443/in' }]);
    }
  });

  void it("compiles GitHub's signature to the github source's webhook secret", () => {
    const source = webhookSource({ hmac: { secret: { env: 'GH_SECRET' }, header: 'x-hub-signature-256', prefix: 'sha256=' } });
    const { manifest } = compileSource(source, standInDeps({ github: { repositories: [{ owner: 'acme', names: ['app'] }] } }));
    const github = manifest.spec.github!.hook!;
    assert.deepEqual(github.webhookSecret, { name: 'tandem-secrets', key: 'GH_SECRET' });
    assert.deepEqual(github.repositories, [{ owner: 'acme', names: ['app'] }]);
    assert.equal((github.webhook as Record<string, unknown>).endpoint, '/events/hook');
  });

  void it('refuses other HMAC schemes, GitHub without owners, bearer with HMAC, and non-JSON bodies', () => {
    const github = { secret: { env: 'S' }, header: 'X-Hub-Signature-256', prefix: 'sha256=' };
    assert.equal(refusal(webhookSource({ hmac: { secret: { env: 'S' } } })).feature, 'hmac');
    assert.equal(refusal(webhookSource({ hmac: { ...github, timestampHeader: 'X-Time' } }), standInDeps({ github: { organizations: ['o'] } })).feature, 'hmac');
    assert.match(refusal(webhookSource({ hmac: github })).message, /deps\.github/);
    assert.equal(refusal(webhookSource({ hmac: github, bearer: { token: { env: 'T' } } }), standInDeps({ github: { organizations: ['o'] } })).feature, 'bearer');
    assert.equal(refusal(webhookSource({ payload: 'msgpack' })).feature, 'payload');
  });

  void it('warns that delivery ids do not deduplicate in Argo Events', () => {
    assert.deepEqual(compileSource(webhookSource({ idHeader: 'X-Id' })).warnings.map((w) => w.feature), ['idHeader']);
  });
});

void describe('cron event source → calendar', () => {
  void it('writes one calendar event per schedule, with the time zone', () => {
    const { manifest } = compileSource(cronSource({ schedules: ['0 2 * * *', '@hourly', '0 30 6 * * *'], timezone: 'UTC' }));
    assert.deepEqual(manifest.spec.calendar, {
      'nightly-0': { schedule: '0 2 * * *', timezone: 'UTC' },
      'nightly-1': { schedule: '0 * * * *', timezone: 'UTC' },
      'nightly-2': { schedule: '30 6 * * *', timezone: 'UTC' },
    });
  });

  void it('bounds catch-up by one period for "last" and limit periods for "all"', () => {
    const last = compileSource(cronSource({ schedules: ['*/15 * * * *'], timezone: 'UTC', catchUp: { policy: 'last' } }));
    assert.deepEqual(last.manifest.spec.calendar!.nightly!.persistence, { catchup: { enabled: true, maxDuration: '15m' }, configMap: { name: 'nightly-calendar-catchup', createIfNotExist: true } });
    assert.deepEqual(last.warnings, []);
    const all = compileSource(cronSource({ schedules: ['0 * * * *'], timezone: 'UTC', catchUp: { policy: 'all', limit: 5 } }));
    assert.equal((all.manifest.spec.calendar!.nightly!.persistence as { catchup: { maxDuration: string } }).catchup.maxDuration, '5h');
  });

  void it('refuses catch-up on irregular schedules, seconds, croner-only syntax, jitter and Forbid/Replace', () => {
    assert.equal(refusal(cronSource({ schedules: ['0 9 * * 1-5'], timezone: 'UTC', catchUp: { policy: 'last' } })).feature, 'catchUp');
    assert.equal(refusal(cronSource({ schedules: ['15 0 2 * * *'] })).feature, 'schedule');
    assert.equal(refusal(cronSource({ schedules: ['0 0 L * *'] })).feature, 'schedule');
    assert.equal(refusal(cronSource({ jitter: '30s' })).feature, 'jitter');
    assert.equal(refusal(cronSource({ concurrencyPolicy: 'Forbid' })).feature, 'concurrencyPolicy');
    assert.equal(refusal(cronSource({ concurrencyPolicy: 'Replace' })).feature, 'concurrencyPolicy');
  });

  void it('reads schedules and durations the way Argo Events parses them', () => {
    assert.equal(standardSchedule('@daily', 'here'), '0 0 * * *');
    assert.equal(standardSchedule('0 5 4 * * *', 'here'), '5 4 * * *');
    assert.deepEqual([goDuration(3_600_000), goDuration(90_000), goDuration(1500)], ['1h', '90s', '1500ms']);
  });
});
