import { createLatchkey, MemoryThrottleStore } from '@latchkey/core';
// The `hawk` package (Node's crypto) is the independent client: what it signs must pass.
import Hawk from 'hawk';
import { describe, expect, it } from 'vitest';
import { hawkAuth, type HawkAuthOptions } from './hawk-auth.ts';
import { newSigningKey } from './keys.ts';
import { throttleReplayStore } from './replay-store.ts';
import { NOW, NOW_SECONDS, world } from './test-support.ts';

const URL_ = 'http://example.com:8080/api/signed?a=1';

async function hawkWorld(options: Partial<HawkAuthOptions<never>> = {}) {
  const w = await world();
  const { record, secret } = await newSigningKey({ userId: w.alice.id, algorithm: 'hmac-sha256', scopes: ['read'], now: NOW });
  await w.keys.insert(record);
  let now = NOW;
  const auth = hawkAuth({ keys: w.keys, users: w.users, now: () => now, ...options });
  const credentials = { id: record.id, key: secret!, algorithm: 'sha256' as const };
  return { ...w, auth, credentials, setNow: (value: number) => (now = value) };
}

function hawkRequest(credentials: { id: string; key: string; algorithm: 'sha256' }, init: { method?: string; url?: string; body?: string; ts?: number; nonce?: string; ext?: string; hashPayload?: boolean } = {}) {
  const method = init.method ?? (init.body === undefined ? 'GET' : 'POST');
  const url = init.url ?? URL_;
  const { header, artifacts } = Hawk.client.header(url, method, {
    credentials,
    timestamp: init.ts ?? NOW_SECONDS,
    nonce: init.nonce,
    ext: init.ext,
    ...(init.body !== undefined && init.hashPayload !== false ? { payload: init.body, contentType: 'application/json' } : {}),
  });
  const headers: Record<string, string> = { Authorization: header };
  if (init.body !== undefined) headers['Content-Type'] = 'application/json; charset=utf-8';
  return { request: new Request(url, { method, headers, body: init.body ?? null }), artifacts };
}

const detailOf = (result: { outcome: string; error?: { detail: string } }) => (result.outcome === 'fail' ? result.error!.detail : result.outcome);

describe('hawkAuth against the hawk package\'s client', () => {
  it('skips requests without a Hawk Authorization header', async () => {
    const { auth } = await hawkWorld();
    expect(await auth.authenticate(new Request(URL_), {})).toEqual({ outcome: 'skip' });
    expect(await auth.authenticate(new Request(URL_, { headers: { Authorization: 'Token abc' } }), {})).toEqual({ outcome: 'skip' });
  });

  it('accepts a GET signed by the hawk client, with a grant for the key', async () => {
    const { auth, credentials } = await hawkWorld();
    const result = await auth.authenticate(hawkRequest(credentials, { ext: 'some-app-data' }).request, {});
    expect(result.outcome).toBe('success');
    if (result.outcome !== 'success') return;
    expect(result.user.username).toBe('alice');
    expect(result.auth).toEqual({ id: credentials.id, scopes: ['read'], expiresAt: null });
  });

  it('accepts a POST whose payload hash matches, and the handler can still read the body', async () => {
    const { auth, credentials } = await hawkWorld();
    const { request } = hawkRequest(credentials, { body: '{"amount": 10}' });
    expect(detailOf(await auth.authenticate(request, {}))).toBe('success');
    expect(await request.text()).toBe('{"amount": 10}');
  });

  it('refuses a changed body (Bad payload hash) and a body sent without a hash when one is required', async () => {
    const { auth, credentials } = await hawkWorld();
    const { request } = hawkRequest(credentials, { body: '{"amount": 10}' });
    const changed = new Request(request.url, { method: 'POST', headers: request.headers, body: '{"amount": 99}' });
    expect(detailOf(await auth.authenticate(changed, {}))).toBe('Bad payload hash');
    expect(detailOf(await auth.authenticate(hawkRequest(credentials, { body: '{}', hashPayload: false }).request, {}))).toBe('Missing required payload hash');
    const lenient = await hawkWorld({ requirePayloadHash: false });
    expect(detailOf(await lenient.auth.authenticate(hawkRequest(lenient.credentials, { body: '{}', hashPayload: false }).request, {}))).toBe('success');
  });

  it('refuses a changed path, query, method or port (Bad mac)', async () => {
    const { auth, credentials } = await hawkWorld();
    const { request } = hawkRequest(credentials);
    for (const [url, method] of [['http://example.com:8080/api/other?a=1', 'GET'], ['http://example.com:8080/api/signed?a=2', 'GET'], [URL_, 'DELETE'], ['http://example.com:8081/api/signed?a=1', 'GET']] as const) {
      expect(detailOf(await auth.authenticate(new Request(url, { method, headers: request.headers }), {})), `${method} ${url}`).toBe('Bad mac');
    }
  });

  it('refuses a replayed nonce within the skew window (Invalid nonce)', async () => {
    const { auth, credentials } = await hawkWorld();
    const { request } = hawkRequest(credentials, { nonce: 'abc123' });
    expect(detailOf(await auth.authenticate(request.clone(), {}))).toBe('success');
    expect(detailOf(await auth.authenticate(request, {}))).toBe('Invalid nonce');
  });

  it('answers a stale timestamp with the server time and its MAC, which the hawk client accepts', async () => {
    const { auth, credentials } = await hawkWorld();
    const { request, artifacts } = hawkRequest(credentials, { ts: NOW_SECONDS - 61 });
    const latchkey = createLatchkey({ authenticators: [auth] });
    const outcome = await latchkey.run(request);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.response.status).toBe(401);
    expect(await outcome.response.clone().json()).toEqual({ detail: 'Stale timestamp' });
    const challenge = outcome.response.headers.get('WWW-Authenticate')!;
    expect(challenge).toMatch(new RegExp(`^Hawk ts="${NOW_SECONDS}", tsm="[A-Za-z0-9+/=]+", error="Stale timestamp"$`));
    // The client library checks tsm against its key, so it can trust ts and fix its clock.
    const checked = Hawk.client.authenticate({ headers: { 'www-authenticate': challenge } }, credentials, artifacts, { required: false });
    expect(checked.headers['www-authenticate']?.ts).toBe(String(NOW_SECONDS));
    expect(detailOf(await auth.authenticate(hawkRequest(credentials, { ts: NOW_SECONDS + 60 }).request, {}))).toBe('success');
  });

  it('the stale-timestamp challenge replaces the first authenticator\'s, so a Hawk client always gets it', async () => {
    const { auth, credentials } = await hawkWorld();
    const first = { name: 'other', authenticate: () => ({ outcome: 'skip' as const }), challenge: () => 'Token' };
    const outcome = await createLatchkey({ authenticators: [first, auth] }).run(hawkRequest(credentials, { ts: NOW_SECONDS + 3600 }).request);
    expect(outcome.ok ? null : outcome.response.headers.get('WWW-Authenticate')).toMatch(/^Hawk ts=/);
    const bad = await createLatchkey({ authenticators: [first, auth] }).run(new Request(URL_, { headers: { Authorization: 'Hawk id="x"' } }));
    expect(bad.ok ? null : bad.response.headers.get('WWW-Authenticate')).toBe('Token');
  });

  it('tells the time only to a key holder: a wrong MAC with a stale timestamp is Bad mac', async () => {
    const { auth, credentials } = await hawkWorld();
    const { request } = hawkRequest({ ...credentials, key: 'not-the-key' }, { ts: NOW_SECONDS - 3600 });
    expect(detailOf(await auth.authenticate(request, {}))).toBe('Bad mac');
  });

  it('refuses an unknown id, a public-key id, missing and malformed attributes', async () => {
    const { auth, credentials, keys, alice } = await hawkWorld();
    expect(detailOf(await auth.authenticate(hawkRequest({ ...credentials, id: 'nobody' }).request, {}))).toBe('Unknown credentials');
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey));
    await keys.insert({ id: 'ed', userId: alice.id, algorithm: 'ed25519', key: spki, scopes: [], createdAt: 0, expiresAt: null });
    expect(detailOf(await auth.authenticate(hawkRequest({ ...credentials, id: 'ed' }).request, {}))).toBe('Unknown credentials');
    const cases: Array<[string, string]> = [
      ['Hawk id="a", ts="1", mac="x"', 'Missing attributes'],
      ['Hawk id="a", ts="1", nonce="n", mac="x", foo="y"', 'Unknown attribute: foo'],
      ['Hawk id="a", id="b"', 'Duplicate attribute: id'],
      ['Hawk id="a" ts="1"', 'Bad header format'],
      ['Hawk', 'Invalid header syntax'],
      ['Hawk id="a", ts="soon", nonce="n", mac="x"', 'Invalid timestamp'],
      [`Hawk id="${'a'.repeat(5000)}"`, 'Header length too long'],
    ];
    for (const [header, detail] of cases) {
      expect(detailOf(await auth.authenticate(new Request(URL_, { headers: { Authorization: header } }), {})), header).toBe(detail);
    }
  });

  it('refuses an inactive user\'s key and an expired key', async () => {
    const { auth, keys, carol, alice } = await hawkWorld();
    const carols = await newSigningKey({ userId: carol.id, algorithm: 'hmac-sha256' });
    await keys.insert(carols.record);
    expect(detailOf(await auth.authenticate(hawkRequest({ id: carols.record.id, key: carols.secret!, algorithm: 'sha256' }).request, {}))).toBe('User inactive or deleted.');
    const old = await newSigningKey({ userId: alice.id, algorithm: 'hmac-sha256', expiresAt: NOW - 1 });
    await keys.insert(old.record);
    expect(detailOf(await auth.authenticate(hawkRequest({ id: old.record.id, key: old.secret!, algorithm: 'sha256' }).request, {}))).toBe('Unknown credentials');
  });

  it('signs responses with Server-Authorization, which the hawk client verifies', async () => {
    const { auth, credentials } = await hawkWorld();
    const { request, artifacts } = hawkRequest(credentials);
    const result = await auth.authenticate(request, {});
    if (result.outcome !== 'success') throw new Error('expected success');
    const response = await auth.serverAuthorization(result.auth, Response.json({ ok: true }), { ext: 'response-ext' });
    const header = response.headers.get('Server-Authorization')!;
    expect(header).toMatch(/^Hawk mac="[^"]+", hash="[^"]+", ext="response-ext"$/);
    const payload = await response.text();
    const checked = Hawk.client.authenticate(
      { headers: { 'server-authorization': header, 'content-type': response.headers.get('Content-Type') } },
      credentials, artifacts, { payload, required: true },
    );
    expect(checked.headers['server-authorization']?.ext).toBe('response-ext');
    expect(() => Hawk.client.authenticate(
      { headers: { 'server-authorization': header, 'content-type': 'application/json' } },
      credentials, artifacts, { payload: '{"ok":false}', required: true },
    )).toThrow(/Bad response payload mac/);
    // A grant this authenticator did not admit gets no header.
    expect((await auth.serverAuthorization({ id: 'x', scopes: [], expiresAt: null }, new Response('x'))).headers.has('Server-Authorization')).toBe(false);
  });

  it('a replay store over a shared throttle backend refuses a replay sent to another instance', async () => {
    const replay = throttleReplayStore(new MemoryThrottleStore());
    const one = await hawkWorld({ replay });
    const two = hawkAuth({ keys: one.keys, users: one.users, replay, now: () => NOW });
    const { request } = hawkRequest(one.credentials);
    expect(detailOf(await one.auth.authenticate(request.clone(), {}))).toBe('success');
    expect(detailOf(await two.authenticate(request, {}))).toBe('Invalid nonce');
  });
});
