/**
 * The endpoints' test fixture: memory stores, a cheap hasher, a clock the tests move, and
 * request helpers. Used by the endpoint, session and CSRF tests only; not exported.
 */
import type { HostContext } from '../schemes/authenticator.ts';
import { MemoryThrottleStore } from '../throttling/memory-throttle-store.ts';
import { MemoryTokenStore } from '../tokens/memory-token-store.ts';
import { type MemoryUser, MemoryUserStore } from '../users/memory-user-store.ts';
import { createPasswordHasher, type PasswordHasher } from '../users/password.ts';
import { createTokenService, type TokenService, type TokenServiceOptions } from '../tokens/token-service.ts';
import { type AuthEndpointsOptions, createAuthEndpoints } from './router.ts';

/** Every fixture user's password. */
export const PASSWORD = 'correct horse battery staple';
/** Where requests go: an https origin, so Secure cookies are honest. */
export const ORIGIN = 'https://app.test';
/**
 * The fixture's host answers its address through a getter, as Bun's adapter does (it asks
 * Bun only when a throttle reads it): the endpoints must read host fields, never spread them.
 */
class LazyHost implements HostContext {
  constructor(
    private readonly address: string | null,
    readonly waitUntil: (work: Promise<unknown>) => void,
  ) {}

  get clientAddress(): string | null {
    return this.address;
  }
}

/** The client address the fixture's host reports. */
export const CLIENT = '203.0.113.7';

/** What a fixture request may carry. */
export interface Send {
  readonly json?: unknown;
  readonly form?: Record<string, string>;
  readonly body?: BodyInit;
  readonly headers?: Record<string, string>;
  readonly token?: string;
  readonly cookie?: string;
  /** The client address; null: the host knows none. Default `CLIENT`. */
  readonly client?: string | null;
}

/** The fixture's stores, for options that need them. */
export interface FixtureStores {
  readonly users: MemoryUserStore;
  readonly tokens: TokenService;
  readonly passwords: PasswordHasher;
  /** The fixture's clock. */
  readonly now: () => number;
}

type Options = Partial<AuthEndpointsOptions<MemoryUser>>;

/**
 * Builds the fixture: users alice and bob (password `PASSWORD`). `options` (or a function
 * of the stores returning them) override the endpoints' options, `tokenOptions` the token
 * service's.
 */
export async function endpointFixture(
  options: Options | ((stores: FixtureStores) => Options) = {},
  tokenOptions: Partial<TokenServiceOptions> = {},
) {
  let clock = 1_750_000_000_000;
  const now = () => clock;
  const users = new MemoryUserStore({ now });
  const store = new MemoryTokenStore();
  const passwords = createPasswordHasher({ iterations: 1_000 });
  const tokens = createTokenService({ store, now, ...tokenOptions });
  const hash = await passwords.hash(PASSWORD);
  const alice = (await users.createUser({ username: 'alice', passwordHash: hash }))!;
  const bob = (await users.createUser({ username: 'bob', passwordHash: hash }))!;
  const errors: unknown[] = [];
  // Work the endpoints leave running after answering (mail), awaited by `settle`.
  const pending: Promise<unknown>[] = [];
  const endpoints = createAuthEndpoints<MemoryUser>({
    tokens,
    users,
    passwords,
    throttle: { store: new MemoryThrottleStore(), now },
    onError: (error) => errors.push(error),
    ...(typeof options === 'function' ? options({ users, tokens, passwords, now }) : options),
  });

  /** Sends a request through `handle`; fails the test if the path is not answered. */
  const send = async (method: string, path: string, init: Send = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    let body = init.body ?? null;
    if (init.json !== undefined) {
      headers.set('Content-Type', 'application/json');
      body = JSON.stringify(init.json);
    } else if (init.form) {
      body = new URLSearchParams(init.form);
    }
    if (init.token) headers.set('Authorization', `Token ${init.token}`);
    if (init.cookie) headers.set('Cookie', init.cookie);
    const response = await endpoints.handle(
      new Request(ORIGIN + path, { method, headers, body }),
      new LazyHost(init.client === undefined ? CLIENT : init.client, (work) => pending.push(work)),
    );
    if (!response) throw new Error(`${method} ${path} was not answered`);
    return response;
  };

  /** Logs in through `POST /auth/token`; the plaintext token. */
  const login = async (username = 'alice', init: Send = {}): Promise<string> => {
    const response = await send('POST', '/auth/token', { json: { username, password: PASSWORD }, ...init });
    if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { token: string }).token;
  };

  return {
    users,
    store,
    tokens,
    passwords,
    endpoints,
    alice,
    bob,
    errors,
    now,
    send,
    login,
    /** Waits for the work requests left running after their answers. */
    settle: async () => {
      while (pending.length > 0) await Promise.all(pending.splice(0));
    },
    advance: (milliseconds: number) => {
      clock += milliseconds;
    },
  };
}
