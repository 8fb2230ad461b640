/**
 * What every bench server holds: a memory store and the seeded libSQL file, one pipeline
 * per configuration, and the tokens the parent's requests carry. Node's and Bun's servers
 * build the same fixture, so the runtimes differ only in how they serve it.
 */
import {
  type AuthUser,
  createLatchkey,
  createTokenService,
  type Latchkey,
  MemoryTokenStore,
  MemoryUserStore,
  type TokenService,
  type TokenStore,
  tokenAuth,
  type UserStore,
} from '@latchkey/core';
import { openLibsqlStores } from '@latchkey/drizzle/libsql';
import { countingTokenStore } from '../counting-store.ts';
import { garbageToken, unknownToken } from '../tokens.ts';
import { type Credentials, KEYWORD, type StoreCalls } from './routes.ts';

/** The pipelines, tokens and counters a server needs. */
export interface ServerFixture {
  readonly pipelines: Readonly<Record<'memory' | 'memoryCache' | 'libsql' | 'libsqlCache' | 'unknown' | 'garbage', Latchkey>>;
  readonly credentials: Credentials;
  /** Token-store calls made by the unknown- and garbage-token configurations. */
  storeCalls(): StoreCalls;
  close(): void;
}

// `cache`: the verified-token cache on (its defaults); off otherwise, as the service's default.
const pipeline = (store: TokenStore, users: UserStore, cache = false): Latchkey =>
  createLatchkey({ authenticators: [tokenAuth({ tokens: createTokenService({ store, cache }), users, keyword: KEYWORD })] });

async function issue(service: TokenService, users: UserStore, username: string): Promise<string> {
  const user: AuthUser | null = await users.createUser({ username, passwordHash: null });
  if (!user) throw new Error(`user ${username} already exists`);
  const created = await service.create(user.id, { name: 'bench' });
  if (!created.ok) throw new Error('could not issue a bench token');
  return created.token;
}

/**
 * Opens the libSQL file at `databaseUrl` (migrated and seeded by the parent) and issues
 * this server's tokens under `username`, unique per server since both share the file.
 */
export async function createServerFixture(databaseUrl: string, username: string): Promise<ServerFixture> {
  const memory = { tokens: new MemoryTokenStore(), users: new MemoryUserStore() };
  const libsql = await openLibsqlStores({ url: databaseUrl, migrate: false });
  const unknown = countingTokenStore(libsql.tokens);
  const garbage = countingTokenStore(libsql.tokens);

  const libsqlToken = await issue(createTokenService({ store: libsql.tokens }), libsql.users, username);
  const missing = await unknownToken(createTokenService({ store: libsql.tokens }));
  return {
    pipelines: {
      memory: pipeline(memory.tokens, memory.users),
      memoryCache: pipeline(memory.tokens, memory.users, true),
      libsql: pipeline(libsql.tokens, libsql.users),
      libsqlCache: pipeline(libsql.tokens, libsql.users, true),
      unknown: pipeline(unknown.store, libsql.users),
      garbage: pipeline(garbage.store, libsql.users),
    },
    credentials: {
      memory: await issue(createTokenService({ store: memory.tokens }), memory.users, username),
      libsql: libsqlToken,
      // hono/bearer-auth compares against a fixed string; a token of the same shape keeps requests alike.
      static: await unknownToken(createTokenService({ store: memory.tokens })),
      unknown: missing,
      garbage: garbageToken(missing),
    },
    storeCalls: () => ({ unknown: unknown.calls(), garbage: garbage.calls() }),
    close: () => libsql.close(),
  };
}
