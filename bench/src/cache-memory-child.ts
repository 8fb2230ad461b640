/**
 * The verified-token cache's memory per entry: 100,000 tokens verified through a token
 * service with the cache on, heap measured after a full GC, against the same run with the
 * cache off in another process (main.ts runs both and subtracts). Records and users come
 * back from the stores as fresh objects with fresh strings, as a database driver returns
 * them, and each user has two tokens, so the figure is what a real deployment's entries
 * hold, users included. Needs `--expose-gc`.
 */
import { createTokenService, MemoryTokenStore, MemoryUserStore, type TokenStore, type UserStore } from '@latchkey/core';
import { announce, exitWithParent, requiredEnv } from './child.ts';

const entries = Number(requiredEnv('BENCH_CACHE_ENTRIES'));
// An API token and a session, say: the users' share of each entry is that of a user with two tokens.
const TOKENS_PER_USER = 2;
const cache = process.env.BENCH_CACHE === '1';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('cache-memory-child.ts needs node --expose-gc');

// What a driver does: every answer is parsed from the wire, so nothing is shared.
const fresh = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const memoryTokens = new MemoryTokenStore();
const memoryUsers = new MemoryUserStore();
const store: TokenStore = {
  insert: (record, limit) => memoryTokens.insert(record, limit),
  findByDigest: async (digest) => fresh(await memoryTokens.findByDigest(digest)),
  touch: (id, changes) => memoryTokens.touch(id, changes),
  revoke: (id, at) => memoryTokens.revoke(id, at),
  revokeForUser: (userId, at) => memoryTokens.revokeForUser(userId, at),
  listForUser: (userId) => memoryTokens.listForUser(userId),
  purgeExpired: (now, revokedBefore) => memoryTokens.purgeExpired(now, revokedBefore),
  revokedSince: (since, limit) => memoryTokens.revokedSince(since, limit),
};
const users: UserStore = {
  findById: async (id) => fresh(await memoryUsers.findById(id)),
  findByUsername: (username) => memoryUsers.findByUsername(username),
  getPasswordHash: (id) => memoryUsers.getPasswordHash(id),
  setPasswordHash: (id, hash) => memoryUsers.setPasswordHash(id, hash),
  createUser: (input) => memoryUsers.createUser(input),
};
let clock = 1_700_000_000_000;
const service = createTokenService({ store, cache: cache && { maxEntries: entries }, now: () => clock });
const tokens: string[] = [];
let userId = '';
for (let i = 0; i < entries; i++) {
  if (i % TOKENS_PER_USER === 0) userId = (await memoryUsers.createUser({ username: `bench-memory-${i}`, passwordHash: null }))!.id;
  const created = await service.create(userId, { name: 'bench', scopes: ['read'] });
  if (created.ok) tokens.push(created.token);
}
for (const token of tokens) {
  clock++;
  if (!(await service.authenticate(token, 'api', users)).ok) throw new Error('a bench token did not verify');
}
for (let i = 0; i < 6; i++) {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 10));
}
announce({ heapUsed: process.memoryUsage().heapUsed, cached: service.cache?.size ?? 0, tokens: tokens.length });
exitWithParent();
