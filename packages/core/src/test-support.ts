// Shared setup for core's own tests (not exported from the package).
import { MemoryTokenStore } from './tokens/memory-token-store.ts';
import { MemoryUserStore } from './users/memory-user-store.ts';
import { createPasswordHasher } from './users/password.ts';
import { seededRandomBytes } from './testing/host-fixture.ts';
import { createTokenService, type TokenServiceOptions } from './tokens/token-service.ts';

export const PASSWORD = 'correct horse battery staple';

/** Memory stores, a fast hasher, a token service, and alice (active) / bob (staff) / carol (inactive). */
export async function world(tokenOptions: Partial<TokenServiceOptions> = {}) {
  const users = new MemoryUserStore();
  const store = new MemoryTokenStore();
  const passwords = createPasswordHasher({ iterations: 1_000 });
  const tokens = createTokenService({ store, randomBytes: seededRandomBytes('world'), ...tokenOptions });
  const hash = await passwords.hash(PASSWORD);
  const alice = (await users.createUser({ username: 'alice', passwordHash: hash }))!;
  const bob = (await users.createUser({ username: 'bob', passwordHash: hash, isStaff: true }))!;
  const carol = (await users.createUser({ username: 'carol', passwordHash: hash, isActive: false }))!;
  const tokenFor = async (userId: string, scopes: string[] = []) => {
    const created = await tokens.create(userId, { scopes });
    if (!created.ok) throw new Error('limit');
    return created.token;
  };
  return { users, store, passwords, tokens, alice, bob, carol, tokenFor };
}

/** A GET (or other method) request with these headers. */
export function request(headers: Record<string, string> = {}, method = 'GET', path = '/'): Request {
  return new Request(`http://test.local${path}`, { method, headers });
}

/** Basic credentials for a header. */
export function basic(username: string, password: string): string {
  return `Basic ${btoa(`${username}:${password}`)}`;
}
