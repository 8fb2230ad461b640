/**
 * The HTTP configurations, shared by the parent (which loads them) and the servers (which
 * serve them). One server per runtime serves every configuration on its own path, so
 * process start-up stays out of the figures and all configurations share one warm process.
 */

/** Which credential a configuration's requests carry. */
export type Credential = 'none' | 'memory' | 'libsql' | 'postgres' | 'static' | 'unknown' | 'garbage';

/** One configuration: a path, what its requests carry, and the status they must get. */
export interface Route {
  /** Stable key in the JSON output. */
  readonly id: string;
  readonly path: string;
  /** What the table prints. */
  readonly label: string;
  readonly credential: Credential;
  readonly status: 200 | 401;
  /** The configuration this one's ratios are taken against, on the same runtime. */
  readonly baseline: string;
  /** Served only by the Bun server (Bun.serve routes without Hono). */
  readonly bunOnly?: boolean;
}

/** Every configuration, in the order the table prints them. */
export const ROUTES: readonly Route[] = [
  { id: 'bare', path: '/bare', label: 'bare handler (Hono)', credential: 'none', status: 200, baseline: 'bare' },
  {
    id: 'latchkey-memory',
    path: '/latchkey/memory',
    label: 'Latchkey token, memory store',
    credential: 'memory',
    status: 200,
    baseline: 'bare',
  },
  {
    id: 'latchkey-libsql',
    path: '/latchkey/libsql',
    label: 'Latchkey token, libSQL file',
    credential: 'libsql',
    status: 200,
    baseline: 'bare',
  },
  {
    id: 'latchkey-memory-cache',
    path: '/latchkey/memory-cache',
    label: 'Latchkey token, memory store, cache hit',
    credential: 'memory',
    status: 200,
    baseline: 'bare',
  },
  {
    id: 'latchkey-libsql-cache',
    path: '/latchkey/libsql-cache',
    label: 'Latchkey token, libSQL file, cache hit',
    credential: 'libsql',
    status: 200,
    baseline: 'bare',
  },
  {
    id: 'latchkey-postgres',
    path: '/latchkey/postgres',
    label: 'Latchkey token, Postgres server',
    credential: 'postgres',
    status: 200,
    baseline: 'bare',
  },
  {
    id: 'hono-bearer-auth',
    path: '/hono/bearer-auth',
    label: 'hono/bearer-auth, static token',
    credential: 'static',
    status: 200,
    baseline: 'bare',
  },
  {
    id: 'unknown-401',
    path: '/latchkey/unknown',
    label: '401 unknown token (libSQL)',
    credential: 'unknown',
    status: 401,
    baseline: 'bare',
  },
  {
    id: 'garbage-401',
    path: '/latchkey/garbage',
    label: '401 garbage token (checksum)',
    credential: 'garbage',
    status: 401,
    baseline: 'bare',
  },
  {
    id: 'native-bare',
    path: '/native/bare',
    label: 'bare handler (Bun.serve routes)',
    credential: 'none',
    status: 200,
    baseline: 'native-bare',
    bunOnly: true,
  },
  {
    id: 'native-latchkey-memory',
    path: '/native/latchkey/memory',
    label: '@latchkey/bun, memory store',
    credential: 'memory',
    status: 200,
    baseline: 'native-bare',
    bunOnly: true,
  },
  {
    id: 'native-latchkey-memory-cache',
    path: '/native/latchkey/memory-cache',
    label: '@latchkey/bun, memory store, cache hit',
    credential: 'memory',
    status: 200,
    baseline: 'native-bare',
    bunOnly: true,
  },
  {
    id: 'native-latchkey-libsql',
    path: '/native/latchkey/libsql',
    label: '@latchkey/bun, libSQL file',
    credential: 'libsql',
    status: 200,
    baseline: 'native-bare',
    bunOnly: true,
  },
  {
    id: 'native-latchkey-libsql-cache',
    path: '/native/latchkey/libsql-cache',
    label: '@latchkey/bun, libSQL file, cache hit',
    credential: 'libsql',
    status: 200,
    baseline: 'native-bare',
    bunOnly: true,
  },
];

/**
 * The token each credential kind sends, as the server made them. `postgres` only when the
 * bench has a Postgres server (Debian's postgresql package installed).
 */
export type Credentials = Readonly<Record<Exclude<Credential, 'none' | 'postgres'>, string>> & { readonly postgres?: string };

/** The `Authorization` keyword every configuration uses, so all requests are the same size. */
export const KEYWORD = 'Bearer';

/** What a server announces once it listens. */
export interface ServerReady {
  readonly port: number;
  /** The runtime's version, e.g. `v20.20.2` or `1.4.5`. */
  readonly version: string;
  readonly credentials: Credentials;
}

/** Token-store calls per configuration, as `/__stats` reports them. */
export type StoreCalls = Readonly<Record<'unknown' | 'garbage', number>>;

/** The path answering `StoreCalls`; not measured. */
export const STATS_PATH = '/__stats';
