/**
 * What every bench server holds: a memory store, the seeded libSQL file and, when the bench
 * has one, the seeded Postgres database; one pipeline
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
import { openPostgresStores } from '@latchkey/drizzle/node-postgres';
import { countingTokenStore } from '../counting-store.ts';
import { garbageToken, unknownToken } from '../tokens.ts';
import { type Credentials, KEYWORD, type StoreCalls } from './routes.ts';

/** The pipelines, tokens and counters a server needs. */
export interface ServerFixture {
  readonly pipelines: Readonly<Record<'memory' | 'memoryCache' | 'libsql' | 'libsqlCache' | 'unknown' | 'garbage', Latchkey>> & {
    readonly postgres?: Latchkey;
  };
  readonly credentials: Credentials;
  /** Token-store calls made by the unknown- and garbage-token configurations. */
  storeCalls(): StoreCalls;
  close(): Promise<void>;
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
 * Opens the libSQL file at `databaseUrl` and the Postgres database at `postgresUrl`, if any
 * (both migrated and seeded by the parent), and issues this server's tokens under
 * `username`, unique per server since they share the databases.
 */
export async function createServerFixture(databaseUrl: string, username: string, postgresUrl?: string): Promise<ServerFixture> {
  const memory = { tokens: new MemoryTokenStore(), users: new MemoryUserStore() };
  const libsql = await openLibsqlStores({ url: databaseUrl, migrate: false });
  const postgres = postgresUrl ? await openPostgresStores({ url: postgresUrl, migrate: false }) : null;
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
      ...(postgres && { postgres: pipeline(postgres.tokens, postgres.users) }),
    },
    credentials: {
      memory: await issue(createTokenService({ store: memory.tokens }), memory.users, username),
      libsql: libsqlToken,
      // hono/bearer-auth compares against a fixed string; a token of the same shape keeps requests alike.
      static: await unknownToken(createTokenService({ store: memory.tokens })),
      unknown: missing,
      garbage: garbageToken(missing),
      ...(postgres && { postgres: await issue(createTokenService({ store: postgres.tokens }), postgres.users, username) }),
    },
    storeCalls: () => ({ unknown: unknown.calls(), garbage: garbage.calls() }),
    close: async () => {
      libsql.close();
      await postgres?.close();
    },
  };
}
