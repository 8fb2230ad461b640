/**
 * `@latchkey/drizzle/open`: the stores from whatever database URL the app is configured
 * with: a Postgres server (`postgres://`, over node-postgres) or libSQL (a `file:`, a
 * remote `libsql://` / `https://`, `:memory:`). For Node servers and the `latchkey`
 * command, which take the URL from the environment and must not care which it is: both
 * kinds hand out the same stores.
 */
import type { OneTimeStore, SecretBox, TokenStore } from '@latchkey/core';
import { openLibsqlStores } from './libsql.ts';
import { isPostgresUrl, openPostgresStores } from './node-postgres.ts';
import type { PostgresRefreshTokenStore } from './postgres/refresh-token-store.ts';
import type { PostgresReplayStore } from './postgres/replay-store.ts';
import type { PostgresSigningKeyStore } from './postgres/signing-key-store.ts';
import type { PostgresThrottleStore } from './postgres/throttle-store.ts';
import type { PostgresTotpStore } from './postgres/totp-store.ts';
import type { PostgresUserStore } from './postgres/user-store.ts';
import type { DrizzleRefreshTokenStore } from './refresh-token-store.ts';
import type { DrizzleReplayStore } from './replay-store.ts';
import type { DrizzleSigningKeyStore } from './signing-key-store.ts';
import type { DrizzleThrottleStore } from './throttle-store.ts';
import type { DrizzleTotpStore } from './totp-store.ts';
import type { DrizzleUserStore } from './user-store.ts';

/** Options for `openStores`. */
export interface OpenStoresOptions {
  /** A `postgres://` / `postgresql://` URL, or any URL `openLibsqlStores` takes. Required. */
  readonly url: string;
  /** Auth token for a remote libSQL database. Default: none. */
  readonly authToken?: string;
  /** Apply pending migrations before returning. Default `true`. */
  readonly migrate?: boolean;
  /** Seals signing keys' shared secrets at rest (`createSecretBox(serverKey)`). Default: none, public keys only. */
  readonly secrets?: SecretBox;
}

/** The stores over one database, whichever kind it is. */
export interface OpenStores {
  /** `"postgres"` or `"libsql"`: which kind of database the URL named. */
  readonly kind: 'postgres' | 'libsql';
  readonly tokens: TokenStore;
  readonly users: DrizzleUserStore | PostgresUserStore;
  readonly oneTime: OneTimeStore;
  /** TOTP two-factor state, for `createTotp({ store })` of `@latchkey/two-factor`. */
  readonly totp: DrizzleTotpStore | PostgresTotpStore;
  /** Signing keys, for `hawkAuth` / `httpSignatureAuth` (`@latchkey/signatures`). */
  readonly signingKeys: DrizzleSigningKeyStore | PostgresSigningKeyStore;
  /** Signed requests' nonces, shared by every process on the database: their replay store. */
  readonly nonces: DrizzleReplayStore | PostgresReplayStore;
  /** Counters shared by every process on the database: for the throttles' `store`. */
  readonly throttles: DrizzleThrottleStore | PostgresThrottleStore;
  /** `@latchkey/jwt`'s refresh tokens, for `createJwtService({ refreshTokens })`. */
  readonly refreshTokens: DrizzleRefreshTokenStore | PostgresRefreshTokenStore;
  /** Closes the connections. */
  close(): Promise<void>;
}

/** Opens the database a URL names and the stores over it. */
export async function openStores(options: OpenStoresOptions): Promise<OpenStores> {
  const migrate = options.migrate ?? true;
  const secrets = options.secrets === undefined ? {} : { secrets: options.secrets };
  if (isPostgresUrl(options.url)) {
    const { tokens, users, oneTime, totp, signingKeys, nonces, throttles, refreshTokens, close } = await openPostgresStores({ url: options.url, migrate, ...secrets });
    return { kind: 'postgres', tokens, users, oneTime, totp, signingKeys, nonces, throttles, refreshTokens, close };
  }
  const opened = await openLibsqlStores({
    url: options.url,
    migrate,
    ...(options.authToken !== undefined && { authToken: options.authToken }),
    ...secrets,
  });
  const { tokens, users, oneTime, totp, signingKeys, nonces, throttles, refreshTokens } = opened;
  return { kind: 'libsql', tokens, users, oneTime, totp, signingKeys, nonces, throttles, refreshTokens, close: async () => opened.close() };
}
