/**
 * In-process microbenchmarks (mitata) of what one request costs inside Latchkey, step by
 * step, and of password hashing next to Node's native PBKDF2 at the same parameters.
 */
import { pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import {
  createLatchkey,
  createPasswordHasher,
  createTokenService,
  type Latchkey,
  MemoryTokenStore,
  MemoryUserStore,
  parseAuthorization,
  type TokenService,
  type TokenStore,
  tokenAuth,
  type UserStore,
} from '@latchkey/core';
import { openLibsqlStores } from '@latchkey/drizzle/libsql';
import { createJwtService, createKeySet, generateSigningKey, jwtAuth, type KeyInput, MemoryRefreshTokenStore } from '@latchkey/jwt';
import { DrizzleTokenStore, DrizzleUserStore } from '@latchkey/drizzle';
import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { do_not_optimize, measure } from 'mitata';
// Not public API: the bench times the checksum and the digest apart from the rest of verify().
import { digestToken, isWellFormedToken } from '../../packages/core/src/tokens/token.ts';
import type { Runtime } from './runtimes.ts';
import { signedSubjects } from './signed.ts';
import { garbageToken, unknownToken } from './tokens.ts';

/** One microbenchmark's figures; times in nanoseconds. */
export interface MicroResult {
  readonly runtime: Runtime;
  readonly group: string;
  readonly id: string;
  readonly label: string;
  /** The id of the row its ratios are taken against. */
  readonly baseline: string;
  readonly avg: number;
  readonly p50: number;
  readonly p99: number;
  readonly samples: number;
}

export interface MicroOptions {
  readonly runtime: Runtime;
  /** The seeded libSQL file the HTTP servers used. */
  readonly databaseUrl: string;
  /** Owner of the tokens this run issues; unique per run, since runs share the file. */
  readonly username: string;
  readonly minTimeNs: number;
  readonly passwordSamples: number;
  readonly log: (line: string) => void;
}

const KEYWORD = 'Bearer';
const ITERATIONS = 100_000;
const pbkdf2Async = promisify(pbkdf2);

interface Subject {
  readonly service: TokenService;
  readonly store: TokenStore;
  readonly users: UserStore;
  readonly pipeline: Latchkey;
  readonly token: string;
  readonly userId: string;
}

async function subject(store: TokenStore, users: UserStore, username: string, cache = false): Promise<Subject> {
  const service = createTokenService({ store, cache });
  const user = await users.createUser({ username, passwordHash: null });
  if (!user) throw new Error(`user ${username} already exists`);
  const created = await service.create(user.id);
  if (!created.ok) throw new Error('could not issue a bench token');
  // The first verify records lastUsedAt (a write); later ones within a minute only read.
  // authenticate() also fills the cache when it is on.
  await service.authenticate(created.token, 'api', users);
  const pipeline = createLatchkey({ authenticators: [tokenAuth({ tokens: service, users, keyword: KEYWORD })] });
  return { service, store, users, pipeline, token: created.token, userId: user.id };
}

const hex = (buffer: ArrayBuffer) => Buffer.from(buffer).toString('hex');

/** A JWT pipeline over `memory`'s user store signing with `key`, and an access token it issued. */
async function jwtSubject(memory: Subject, key: KeyInput) {
  const jwt = createJwtService({ keys: createKeySet({ keys: [key] }), refreshTokens: new MemoryRefreshTokenStore() });
  const user = (await memory.users.findById(memory.userId))!;
  const { access } = await jwt.issuePair(user);
  const pipeline = createLatchkey({ authenticators: [jwtAuth({ jwt, users: memory.users })] });
  const request = new Request('http://127.0.0.1/', { headers: { authorization: `Bearer ${access}` } });
  if (!(await pipeline.run(request)).ok) throw new Error('bench JWT refused');
  return { pipeline, request };
}

export async function runMicro(options: MicroOptions): Promise<MicroResult[]> {
  const { minTimeNs, log } = options;
  const results: MicroResult[] = [];
  const time = async (group: string, id: string, label: string, baseline: string, fn: () => unknown, slow = false) => {
    const stats = await measure(fn, slow ? { min_samples: options.passwordSamples, min_cpu_time: 0 } : { min_cpu_time: minTimeNs });
    results.push({ runtime: options.runtime, group, id, label, baseline, avg: stats.avg, p50: stats.p50, p99: stats.p99, samples: stats.samples.length });
  };

  const libsqlStores = await openLibsqlStores({ url: options.databaseUrl, migrate: false });
  const rawClient = createClient({ url: options.databaseUrl });
  try {
    const memory = await subject(new MemoryTokenStore(), new MemoryUserStore(), options.username);
    const libsql = await subject(libsqlStores.tokens, libsqlStores.users, options.username);
    const libsqlCached = await subject(libsqlStores.tokens, libsqlStores.users, `${options.username}-cached`, true);
    const memoryCached = await subject(new MemoryTokenStore(), new MemoryUserStore(), options.username, true);
    const request = (token: string) => new Request('http://127.0.0.1/', { headers: { authorization: `${KEYWORD} ${token}` } });
    const memoryRequest = request(memory.token);
    const libsqlRequest = request(libsql.token);
    const libsqlCachedRequest = request(libsqlCached.token);
    const memoryCachedRequest = request(memoryCached.token);
    const garbage = garbageToken(await unknownToken(memory.service));
    const digest = digestToken(memory.token, null);
    const libsqlDigest = digestToken(libsql.token, null);
    const prefix = memory.service.prefix;
    const encoder = new TextEncoder();

    log('microbenchmarks: the verify path');
    const group = `per request, in-process (${options.runtime})`;
    await time(group, 'parse', 'parse Authorization header', 'run-memory', () => do_not_optimize(parseAuthorization(memoryRequest, KEYWORD)));
    await time(group, 'checksum', 'checksum (well-formed?)', 'run-memory', () => do_not_optimize(isWellFormedToken(memory.token, prefix)));
    await time(group, 'digest-noble', 'digest: noble sha256, one reused instance (used)', 'run-memory', () => do_not_optimize(digestToken(memory.token, null)));
    const tokenBytes = encoder.encode(memory.token);
    await time(group, 'digest-noble-fresh', 'digest: noble sha256(), a new instance per call', 'digest-noble', () => do_not_optimize(bytesToHex(sha256(tokenBytes))));
    await time(group, 'digest-subtle', 'digest: crypto.subtle SHA-256', 'digest-noble', async () =>
      do_not_optimize(hex(await crypto.subtle.digest('SHA-256', encoder.encode(memory.token)))),
    );
    await time(group, 'lookup-memory', 'token lookup: memory', 'run-memory', () => memory.store.findByDigest(digest));
    await time(group, 'user-memory', 'user lookup: memory', 'run-memory', () => memory.users.findById(memory.userId));
    await time(group, 'verify-garbage', 'verify(): garbage, no store call', 'run-memory', () => memory.service.verify(garbage));
    await time(group, 'verify-memory', 'verify(): memory', 'run-memory', () => memory.service.verify(memory.token));
    await time(group, 'run-memory', 'run(): memory, whole pipeline', 'digest-noble', () => memory.pipeline.run(memoryRequest));
    await time(group, 'check-memory', 'check(): memory, what adapters call', 'digest-noble', () => memory.pipeline.check(memoryRequest));
    await time(group, 'run-memory-cache', 'run(): memory, cache hit', 'digest-noble', () => memoryCached.pipeline.run(memoryCachedRequest));
    // JWTs beside the stored tokens: a signature check instead of a token lookup, same user lookup.
    const hs256 = await jwtSubject(memory, { kid: 'bench-hs', alg: 'HS256', secret: 'bench-hs256-secret-of-at-least-32-bytes' });
    const eddsa = await jwtSubject(memory, { kid: 'bench-ed', alg: 'EdDSA', privateJwk: await generateSigningKey('EdDSA') });
    await time(group, 'run-jwt-hs256', 'run(): JWT HS256, memory users', 'run-memory', () => hs256.pipeline.run(hs256.request));
    await time(group, 'run-jwt-eddsa', 'run(): JWT EdDSA, memory users', 'run-memory', () => eddsa.pipeline.run(eddsa.request));
    await time(group, 'lookup-libsql', `token lookup: libSQL file (${libsqlStores.driver})`, 'run-libsql', () => libsql.store.findByDigest(libsqlDigest));
    // The same lookup without Drizzle's query builder and row mapping, to show what they cost.
    const rawLookup = { sql: 'SELECT * FROM latchkey_tokens WHERE digest = ?', args: [libsqlDigest] };
    await time(group, 'lookup-libsql-raw', 'token lookup: raw @libsql/client', 'lookup-libsql', () => rawClient.execute(rawLookup));
    await time(group, 'user-libsql', 'user lookup: libSQL file', 'run-libsql', () => libsql.users.findById(libsql.userId));
    // The same token lookup through the `libsql` driver (the fallback when better-sqlite3 is
    // absent) and through @libsql/client (what files used before), against the driver picked.
    const fallback = await openLibsqlStores({ url: options.databaseUrl, migrate: false, driver: 'libsql' });
    try {
      await time(group, 'lookup-libsql-driver', 'token lookup: libSQL file, libsql driver', 'lookup-libsql', () => fallback.tokens.findByDigest(libsqlDigest));
    } finally {
      fallback.close();
    }
    const asyncDb = drizzle(rawClient);
    const asyncTokens = new DrizzleTokenStore(asyncDb);
    await time(group, 'lookup-libsql-client', 'token lookup: libSQL file, @libsql/client', 'lookup-libsql', () => asyncTokens.findByDigest(libsqlDigest));
    await time(group, 'verify-libsql', 'verify(): libSQL file', 'run-libsql', () => libsql.service.verify(libsql.token));
    await time(group, 'run-libsql', 'run(): libSQL file, whole pipeline', 'run-libsql', () => libsql.pipeline.run(libsqlRequest));
    // The stores join only where the join is the faster way (not on bun:sqlite): measured here either way.
    const joining = new DrizzleTokenStore(libsqlStores.db, { users: new DrizzleUserStore(libsqlStores.db) });
    const joinUse = libsqlStores.tokens.findWithUser ? 'used' : 'not used here';
    await time(group, 'lookup-libsql-join', `token + user lookup: libSQL, one join (${joinUse})`, 'run-libsql', () => joining.findWithUser!(libsqlDigest));
    await time(group, 'run-libsql-cache', 'run(): libSQL file, cache hit', 'digest-noble', () => libsqlCached.pipeline.run(libsqlCachedRequest));
    const signed = await signedSubjects();
    await time(group, 'run-hawk', 'run(): Hawk-signed request, memory keys', 'run-memory', signed.hawk);
    await time(group, 'run-ed25519', 'run(): RFC 9421 Ed25519-signed request, memory keys', 'run-memory', signed.ed25519);

    log(`microbenchmarks: passwords, PBKDF2-SHA256 at ${ITERATIONS.toLocaleString('en')} iterations`);
    const passwords = `passwords, PBKDF2-SHA256 at 100k (${options.runtime})`;
    const hasher = createPasswordHasher();
    const encoded = await hasher.hash('correct horse battery staple');
    if (!(await hasher.verify('correct horse battery staple', encoded))) throw new Error('password round trip failed');
    const salt = 'bench-salt-0123456789';
    await time(passwords, 'node-pbkdf2', 'node:crypto pbkdf2 (native)', 'node-pbkdf2', () => pbkdf2Async('correct horse battery staple', salt, ITERATIONS, 32, 'sha256'), true);
    await time(passwords, 'password-hash', 'hash (Latchkey, Web Crypto)', 'node-pbkdf2', () => hasher.hash('correct horse battery staple'), true);
    await time(passwords, 'password-verify', 'verify (Latchkey, Web Crypto)', 'node-pbkdf2', () => hasher.verify('correct horse battery staple', encoded), true);
    return results;
  } finally {
    rawClient.close();
    libsqlStores.close();
  }
}
