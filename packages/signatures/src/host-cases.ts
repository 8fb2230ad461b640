/**
 * The signed-request table every host must answer alike: a fixture (a pipeline with both
 * schemes and a handler that echoes who called and what body it read) and the cases, each a
 * few requests signed with this package's client and the answer to the last one. The keys
 * are fixed (RFC 9421's Ed25519 test key, a published Hawk secret), so a fixture built
 * inside workerd and cases built in the test process agree.
 */
import { base64ToBytes, createLatchkey, type Identity, jsonResponse, type Latchkey, type MemoryUser, MemoryUserStore } from '@latchkey/core';
import { hawkAuthorization, signRequest } from './client.ts';
import { hawkAuth } from './hawk-auth.ts';
import { httpSignatureAuth } from './http-signature-auth.ts';
import { publicKeyFromPem } from './keys.ts';
import { MemorySigningKeyStore } from './memory-key-store.ts';
import { ED25519_PRIVATE_PKCS8, ED25519_PUBLIC } from './rfc9421-vectors.ts';

/** A test secret, published here: never use it for anything real. */
const HAWK_SECRET = 'latchkey-host-cases-hawk-secret-not-secret';
const HAWK = { id: 'hawk-alice', key: HAWK_SECRET };

/** The server side: a pipeline and a handler to mount (GET and POST, any path). */
export interface SignatureFixture {
  readonly latchkey: Latchkey<MemoryUser>;
  /** Echoes `{ user, scheme, body }`; a Hawk answer carries `Server-Authorization`. */
  respond(request: Request, identity: Identity<MemoryUser>): Promise<Response>;
}

/** Builds the fixture; call it once per host (inside the Worker, for workerd). */
export async function createSignatureFixture(): Promise<SignatureFixture> {
  const users = new MemoryUserStore();
  const alice = (await users.createUser({ username: 'alice', passwordHash: null }))!;
  const keys = new MemorySigningKeyStore();
  const common = { userId: alice.id, scopes: [], createdAt: 0, expiresAt: null };
  await keys.insert({ ...common, id: HAWK.id, algorithm: 'hmac-sha256', key: new TextEncoder().encode(HAWK_SECRET) });
  await keys.insert({ ...common, id: 'ed-alice', algorithm: 'ed25519', key: publicKeyFromPem(ED25519_PUBLIC)! });
  const hawk = hawkAuth({ keys, users });
  const latchkey = createLatchkey<MemoryUser>({ authenticators: [hawk, httpSignatureAuth({ keys, users })] });
  return {
    latchkey,
    async respond(request, identity) {
      const response = jsonResponse({ user: identity.user?.username ?? null, scheme: identity.scheme, body: await request.text() });
      return identity.scheme === 'hawk' ? hawk.serverAuthorization(identity.auth, response) : response;
    },
  };
}

/** One case: requests sent in order (all but the last must be admitted), and the last answer. */
export interface SignatureCase {
  readonly name: string;
  requests(origin: string): Promise<Request[]>;
  readonly status: number;
  readonly body: unknown;
  /** Response headers to check: a string exactly, a RegExp by pattern, null for absent. */
  readonly headers: Readonly<Record<string, string | RegExp | null>>;
}

const edKey = () => crypto.subtle.importKey('pkcs8', base64ToBytes(ED25519_PRIVATE_PKCS8) as Uint8Array<ArrayBuffer>, 'Ed25519', false, ['sign']);
const json = { 'Content-Type': 'application/json' };
const post = (url: string, body: string) => new Request(url, { method: 'POST', headers: json, body });

async function withHawk(request: Request, options: Parameters<typeof hawkAuthorization>[2] = {}, credentials = HAWK): Promise<Request> {
  const headers = new Headers(request.headers);
  headers.set('Authorization', await hawkAuthorization(request, credentials, options));
  return new Request(request.url, { method: request.method, headers, body: request.body === null ? null : await request.clone().text() });
}
const ed = async (request: Request, components?: string[]) => signRequest(request, { keyid: 'ed-alice', algorithm: 'ed25519', key: await edKey(), ...(components && { components }) });
/** The same signed request twice, as a replay sends it. */
async function twice(make: Promise<Request>): Promise<Request[]> {
  const request = await make;
  const body = request.body === null ? null : await request.clone().text();
  return [request, new Request(request.url, { method: request.method, headers: request.headers, body })];
}
/** A signed request with its URL or body swapped after signing. */
async function tampered(make: Promise<Request>, change: { url?: string; body?: string }): Promise<Request[]> {
  const request = await make;
  return [new Request(change.url ?? request.url, { method: request.method, headers: request.headers, body: change.body ?? (request.body === null ? null : await request.text()) })];
}

const ok = (scheme: string, body = '') => ({ status: 200, body: { user: 'alice', scheme, body } });
const refused = (detail: string, challenge: string | RegExp = 'Hawk') => ({ status: 401, body: { detail }, challenge });

/** The cases. */
export function signatureCases(): SignatureCase[] {
  const rows: Array<[string, (origin: string) => Promise<Request[]>, { status: number; body: unknown; challenge?: string | RegExp }, Record<string, string | RegExp | null>?]> = [
    ['no credentials: 401 with the first scheme\'s challenge', async (o) => [new Request(`${o}/api/signed`)], refused('Authentication credentials were not provided.')],
    ['Hawk GET, answered with Server-Authorization', async (o) => [await withHawk(new Request(`${o}/api/signed?page=1`))], ok('hawk'), { 'Server-Authorization': /^Hawk mac="[^"]+", hash="[^"]+"$/ }],
    ['Hawk POST with its payload hash; the handler reads the body', async (o) => [await withHawk(post(`${o}/api/signed`, '{"n":1}'))], ok('hawk', '{"n":1}')],
    ['Hawk replay: the same nonce again', async (o) => twice(withHawk(new Request(`${o}/api/signed`))), refused('Invalid nonce')],
    ['Hawk stale timestamp: the server time and its MAC', async (o) => [await withHawk(new Request(`${o}/api/signed`), { ts: Math.floor(Date.now() / 1000) - 3600 })],
      refused('Stale timestamp', /^Hawk ts="\d+", tsm="[A-Za-z0-9+/=]+", error="Stale timestamp"$/)],
    ['Hawk changed body', async (o) => tampered(withHawk(post(`${o}/api/signed`, '{"n":1}')), { body: '{"n":2}' }), refused('Bad payload hash')],
    ['Hawk changed path', async (o) => tampered(withHawk(new Request(`${o}/api/signed`)), { url: `${o}/api/other` }), refused('Bad mac')],
    ['Hawk unknown id', async (o) => [await withHawk(new Request(`${o}/api/signed`), {}, { id: 'nobody', key: 'x' })], refused('Unknown credentials')],
    ['RFC 9421 ed25519 GET', async (o) => [await ed(new Request(`${o}/api/signed?page=1`))], ok('http-signature')],
    ['RFC 9421 POST with Content-Digest; the handler reads the body', async (o) => [await ed(post(`${o}/api/signed`, '{"n":1}'))], ok('http-signature', '{"n":1}')],
    ['RFC 9421 hmac-sha256 with the Hawk key\'s secret', async (o) => [await signRequest(new Request(`${o}/api/signed`), { keyid: HAWK.id, algorithm: 'hmac-sha256', key: HAWK_SECRET })], ok('http-signature')],
    ['RFC 9421 replay: the same nonce again', async (o) => twice(ed(new Request(`${o}/api/signed`))), refused('Replayed request.')],
    ['RFC 9421 changed path', async (o) => tampered(ed(new Request(`${o}/api/signed`)), { url: `${o}/api/other` }), refused('Invalid signature.')],
    ['RFC 9421 changed body', async (o) => tampered(ed(post(`${o}/api/signed`, '{"n":1}')), { body: '{"n":2}' }), refused('Content-Digest does not match the body.')],
    ['RFC 9421 missing required component, with an Accept-Signature hint', async (o) => [await ed(new Request(`${o}/api/signed`), ['@method', '@authority'])],
      refused('Signature does not cover @path, @query.'), { 'Accept-Signature': 'sig1=("@method" "@authority" "@path" "@query");created;nonce' }],
    ['RFC 9421 unknown key id', async (o) => [await signRequest(new Request(`${o}/api/signed`), { keyid: 'nobody', algorithm: 'ed25519', key: await edKey() })], refused('Unknown key.')],
    ['RFC 9421 alg other than the key\'s', async (o) => [await signRequest(new Request(`${o}/api/signed`), { keyid: 'ed-alice', algorithm: 'hmac-sha256', key: 'guess' })], refused('Algorithm does not match the key.')],
  ];
  return rows.map(([name, requests, expected, headers = {}]) => ({
    name,
    requests,
    status: expected.status,
    body: expected.body,
    headers: { 'WWW-Authenticate': expected.challenge ?? null, ...headers },
  }));
}

/**
 * Sends a case's requests through `send` (the host's client: `fetch`, Miniflare's
 * `dispatchFetch`) and checks the answers; throws with a readable message on a mismatch.
 */
export async function runSignatureCase(testCase: SignatureCase, origin: string, send: (request: Request) => Promise<Response>): Promise<void> {
  const requests = await testCase.requests(origin);
  let response: Response | undefined;
  for (const [index, request] of requests.entries()) {
    response = await send(request);
    if (index < requests.length - 1 && response.status !== 200) throw new Error(`${testCase.name}: request ${index + 1} was refused (${response.status}: ${await response.text()})`);
  }
  const body = await response!.json().catch(() => '<not JSON>');
  const problems: string[] = [];
  if (response!.status !== testCase.status) problems.push(`status ${response!.status}, expected ${testCase.status}`);
  if (JSON.stringify(body) !== JSON.stringify(testCase.body)) problems.push(`body ${JSON.stringify(body)}, expected ${JSON.stringify(testCase.body)}`);
  for (const [name, expected] of Object.entries(testCase.headers)) {
    const actual = response!.headers.get(name);
    const matches = expected === null ? actual === null : typeof expected === 'string' ? actual === expected : actual !== null && expected.test(actual);
    if (!matches) problems.push(`${name} ${JSON.stringify(actual)}, expected ${String(expected)}`);
  }
  if (problems.length > 0) throw new Error(`${testCase.name}: ${problems.join('; ')}`);
}
