/**
 * One app, described once, that every adapter rebuilds in its own host (Hono, Workers,
 * Deno, Bun) and checks against the same table of cases: the same request must get the
 * same status, challenge and body everywhere.
 *
 * Randomness is seeded, so the fixture built inside workerd and the one built by the test
 * runner hold the same tokens without sharing memory.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { Identity } from '../schemes/authenticator.ts';
import { basicAuth } from '../schemes/basic-auth.ts';
import { createLatchkey, type Latchkey } from '../latchkey.ts';
import { MemoryTokenStore } from '../tokens/memory-token-store.ts';
import { type MemoryUser, MemoryUserStore } from '../users/memory-user-store.ts';
import { createPasswordHasher } from '../users/password.ts';
import { allowAny, hasScopes, isAdminUser } from '../permissions.ts';
import type { RandomBytes } from '../random.ts';
import { remoteUserAuth } from '../schemes/remote-user-auth.ts';
import { sessionAuth } from '../schemes/session-auth.ts';
import { jsonResponse } from '../response.ts';
import { tokenAuth } from '../schemes/token-auth.ts';
import { createTokenService, type TokenService } from '../tokens/token-service.ts';

/** A deterministic byte source for tests only: SHA-256 of a seed and a counter. Never for real secrets. */
export function seededRandomBytes(seed: string): RandomBytes {
  let counter = 0;
  return (length) => {
    const out = new Uint8Array(length);
    for (let filled = 0; filled < length; filled += 32) {
      out.set(sha256(utf8ToBytes(`${seed}:${counter++}`)).subarray(0, length - filled), filled);
    }
    return out;
  };
}

/** The tokens the fixture issued, by owner and purpose. */
export interface HostFixtureTokens {
  /** alice, active, scopes ["read"]. */
  readonly alice: string;
  /** alice, scopes ["read", "write"]. */
  readonly aliceWriter: string;
  /** bob, active staff. */
  readonly bob: string;
  /** carol, inactive. */
  readonly carol: string;
}

/** One mounted route: its path and the pipeline that guards it. */
export interface HostRoute {
  readonly path: string;
  readonly latchkey: Latchkey<MemoryUser>;
}

/** The fixture every adapter mounts. */
export interface HostFixture {
  readonly users: MemoryUserStore;
  readonly tokenService: TokenService;
  readonly tokens: HostFixtureTokens;
  /** Mount each route (GET and POST) with its pipeline and `respond` as the handler. */
  readonly routes: readonly HostRoute[];
  /** The handler behind every route: echoes who was authenticated. */
  respond(identity: Identity<MemoryUser>): Response;
}

/** Password of every fixture user. */
export const HOST_FIXTURE_PASSWORD = 'correct horse battery staple';

/** Builds the fixture: users alice, bob (staff), carol (inactive), their tokens, the routes. */
export async function createHostFixture(): Promise<HostFixture> {
  const now = () => 1_750_000_000_000;
  const users = new MemoryUserStore({ now });
  const passwords = createPasswordHasher({ iterations: 1_000, randomBytes: seededRandomBytes('salt') });
  const tokenService = createTokenService({ store: new MemoryTokenStore(), now, randomBytes: seededRandomBytes('tokens') });
  const hash = await passwords.hash(HOST_FIXTURE_PASSWORD);
  const alice = (await users.createUser({ username: 'alice', passwordHash: hash }))!;
  const bob = (await users.createUser({ username: 'bob', passwordHash: hash, isStaff: true }))!;
  const carol = (await users.createUser({ username: 'carol', passwordHash: hash, isActive: false }))!;
  const issue = async (userId: string, scopes: string[]) => {
    const created = await tokenService.create(userId, { scopes });
    if (!created.ok) throw new Error('fixture: token limit');
    return created.token;
  };
  const tokens: HostFixtureTokens = {
    alice: await issue(alice.id, ['read']),
    aliceWriter: await issue(alice.id, ['read', 'write']),
    bob: await issue(bob.id, []),
    carol: await issue(carol.id, []),
  };

  const token = tokenAuth({ tokens: tokenService, users });
  const bearer = tokenAuth({ tokens: tokenService, users, keyword: 'Bearer', name: 'bearer' });
  const base = createLatchkey<MemoryUser>({
    authenticators: [token, basicAuth({ users, passwords })],
    onError: () => {},
  });
  const withSession = base.with({ authenticators: [token, sessionAuth({ tokens: tokenService, users })] });
  const routes: HostRoute[] = [
    { path: '/public', latchkey: base.with({ permissions: [allowAny] }) },
    { path: '/private', latchkey: base },
    { path: '/admin', latchkey: base.with({ permissions: [isAdminUser] }) },
    { path: '/scoped', latchkey: base.with({ permissions: [hasScopes('write')] }) },
    { path: '/bearer', latchkey: base.with({ authenticators: [bearer], permissions: [hasScopes('write')] }) },
    { path: '/proxy-only', latchkey: base.with({ authenticators: [remoteUserAuth({ users, header: 'X-Remote-User' })] }) },
    // Session authentication reads the Cookie header: every answer must say Vary: Cookie.
    { path: '/with-session', latchkey: withSession.with({ permissions: [allowAny] }) },
    { path: '/with-session-private', latchkey: withSession },
  ];
  return {
    users,
    tokenService,
    tokens,
    routes,
    respond: (identity) => jsonResponse({ user: identity.user?.username ?? null, scheme: identity.scheme }),
  };
}
