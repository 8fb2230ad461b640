#!/usr/bin/env node
/**
 * `latchkey`: DRF's `drf_create_token`, grown up. Manages users and tokens in a libSQL
 * database (a local file, or remote with an auth token) or on a Postgres server
 * (`postgres://…`) from the command line.
 *
 * Tokens and password hashes are made by core's token service and password hasher, so a
 * token made here is one the app accepts, provided both use the same `LATCHKEY_SECRET`
 * (the app's `createTokenService({ secret })`) and token prefix. Failures print one line
 * on stderr and exit non-zero: 2 for a usage error, 1 for anything else.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import {
  createOneTimeTokens,
  createPasswordHasher,
  createTokenService,
  normalizeUsername,
  type TokenRecord,
  type TokenService,
  usernameProblems,
} from '@latchkey/core';
import { createSecretBox, isSignatureAlgorithm, newSigningKey, type SecretBox } from '@latchkey/signatures';
import { parseDuration } from './duration.ts';
import { readDjangoPostgres } from './django-postgres.ts';
import { formatDjangoReport, importDjango, readDjangoSqlite } from './import-django.ts';
import { DEFAULT_DATABASE_URL } from './libsql.ts';
import { type OpenStores, openStores } from './open-stores.ts';

const USAGE = `Usage: latchkey <command> [options]

Commands:
  migrate                       create or update the Latchkey tables
  createuser <username>         create a user
      --staff                   make the user staff (passes isAdminUser)
      --email <address>         the user's email address (password reset mails it)
      --password-stdin          read the password from the first line of stdin
                                (without it the user cannot log in with a password)
  createtoken <username>        generate a token and print it, once
      -r, --reset               revoke the user's tokens first
      --name <name>             the client or device the token is for
      --expires <duration>      lifetime: 90s, 15m, 12h, 30d (default: never expires)
      --scope <scope>           grant a scope; repeat for more
  tokens <username>             list a user's live tokens (never their secrets)
  revoke <token-id>             revoke one token (ids as the tokens command lists them)
  revoke --user <username>      revoke all of a user's tokens
  purge                         delete what has expired: tokens, one-time tokens (mailed
                                links), JWT refresh tokens, signed requests' nonces and
                                throttle counters
  createkey <username>          create a signing key and print it, once
      --hawk                    a shared secret (Hawk, RFC 9421 hmac-sha256);
                                needs LATCHKEY_SECRET_KEY
      --public-key <file>       register the client's public key (PEM) instead
      --algorithm <alg>         for --public-key: ed25519 (default), ecdsa-p256-sha256,
                                rsa-pss-sha512, rsa-v1_5-sha256
      --expires <duration>      lifetime: 90s, 15m, 12h, 30d (default: never expires)
      --scope <scope>           grant a scope; repeat for more
      --json                    print {"id", "key", "algorithm"} instead
  keys <username>               list a user's signing keys (never their secrets)
  revokekey <key-id>            delete a signing key
  import-django --from <db>     import users and DRF tokens from a Django database: a
                                SQLite file or a postgres:// URL; run it again to pick
                                up new rows, it changes nothing twice
      --expires <duration>      imported tokens stop working after this (default: never)

Options:
  --db <url>                    database: file:path.db, libsql://…, https://…,
                                postgres://user:password@host:port/database
                                (default: $LATCHKEY_DATABASE_URL, else ${DEFAULT_DATABASE_URL})
  -h, --help                    show this help

Environment:
  LATCHKEY_DATABASE_URL         database URL, when --db is not given
  LATCHKEY_DATABASE_AUTH_TOKEN  auth token for a remote database
  LATCHKEY_SECRET               the app's createTokenService({ secret }): tokens made with
                                another secret (or none) do not verify in the app
  LATCHKEY_TOKEN_PREFIX         the app's token prefix, when not core's default
  LATCHKEY_SECRET_KEY          base64 of 32 random bytes: seals shared signing secrets
                                at rest (the app's createSecretBox(serverKey))
`;

/** A mistake in the command line itself: exit 2. */
class UsageError extends Error {}
/** An ordinary failure (unknown user, token or database): exit 1. */
class CommandError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

interface Context {
  readonly stores: OpenStores;
  readonly tokens: TokenService;
  readonly args: readonly string[];
  readonly values: Values;
}

interface Command {
  readonly options: Options;
  /** Positional arguments: required, then optional. */
  readonly required: readonly string[];
  readonly optional?: readonly string[];
  run(context: Context): Promise<string>;
}

const GLOBAL_OPTIONS: Options = {
  db: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

const COMMANDS: Record<string, Command> = {
  migrate: {
    options: {},
    required: [],
    // openStores has already migrated by the time this runs.
    run: async () => 'Database is up to date.',
  },

  createuser: {
    options: { staff: { type: 'boolean' }, 'password-stdin': { type: 'boolean' }, email: { type: 'string' } },
    required: ['username'],
    async run({ stores, args: [typed = ''], values }) {
      // The register endpoint's rule (core's), so a name one accepts the other accepts too.
      const username = normalizeUsername(typed);
      const problems = usernameProblems(username);
      if (problems.length > 0) throw new CommandError(`invalid username "${typed}": ${problems.join(' ')}`);
      const password = values['password-stdin'] ? await readPasswordFromStdin() : null;
      const isStaff = values.staff === true;
      const email = typeof values.email === 'string' ? values.email : null;
      const user = await stores.users.createUser({
        username,
        passwordHash: password === null ? null : await createPasswordHasher().hash(password),
        isStaff,
        email,
      });
      if (!user) {
        const taken = email !== null && (await stores.users.findByEmail(email)) ? `email "${email}"` : `user "${username}"`;
        throw new CommandError(`${taken} already exists`);
      }
      return `Created ${isStaff ? 'staff user' : 'user'} ${username} (id ${user.id})`;
    },
  },

  createtoken: {
    options: {
      reset: { type: 'boolean', short: 'r' },
      name: { type: 'string' },
      expires: { type: 'string' },
      scope: { type: 'string', multiple: true },
    },
    required: ['username'],
    async run({ stores, tokens, args: [username = ''], values }) {
      const ttl = parseExpires(values.expires as string | undefined);
      const userId = await requireUserId(stores, username);
      if (values.reset) await tokens.revokeAll(userId);
      const created = await tokens.create(userId, {
        name: (values.name as string | undefined) ?? null,
        scopes: (values.scope as string[] | undefined) ?? [],
        ttl,
      });
      if (!created.ok) throw new CommandError(`user "${username}" has too many tokens`);
      return `Generated token ${created.token} for user ${username}`;
    },
  },

  tokens: {
    options: {},
    required: ['username'],
    async run({ stores, tokens, args: [username = ''] }) {
      const records = await tokens.list(await requireUserId(stores, username));
      return records.length === 0 ? `No tokens for user ${username}.` : formatTable(records);
    },
  },

  revoke: {
    options: { user: { type: 'string' } },
    required: [],
    optional: ['token-id'],
    async run({ stores, tokens, args: [id], values }) {
      const username = values.user as string | undefined;
      if ((id === undefined) === (username === undefined)) {
        throw new UsageError('revoke takes a token id or --user <username>, not both');
      }
      if (username !== undefined) {
        const count = await tokens.revokeAll(await requireUserId(stores, username));
        return `Revoked ${plural(count, 'token')} of user ${username}`;
      }
      if (!(await tokens.revoke(id ?? ''))) throw new CommandError(`no token with id "${id}"`);
      return `Revoked token ${id}`;
    },
  },

  purge: {
    options: {},
    required: [],
    async run({ stores, tokens }) {
      const now = Date.now();
      const purged = await tokens.purgeExpired();
      const links = await createOneTimeTokens({ store: stores.oneTime }).purgeExpired();
      const refresh = await stores.refreshTokens.purgeExpired(now);
      const nonces = await stores.nonces.purgeExpired(now);
      // The Drizzle throttle stores also sweep as they count; this empties them between sweeps.
      const counters = await stores.throttles.purgeExpired(now);
      return (
        `Purged ${plural(purged, 'expired token')}, ${plural(links, 'expired one-time token')}, ` +
        `${plural(refresh, 'expired refresh token')}, ${plural(nonces, 'expired nonce')} and ${plural(counters, 'expired throttle counter')}`
      );
    },
  },

  createkey: {
    options: {
      hawk: { type: 'boolean' },
      'public-key': { type: 'string' },
      algorithm: { type: 'string' },
      expires: { type: 'string' },
      scope: { type: 'string', multiple: true },
      json: { type: 'boolean' },
    },
    required: ['username'],
    run: createKey,
  },

  keys: { options: {}, required: ['username'], run: listKeys },

  revokekey: { options: {}, required: ['key-id'], run: revokeKey },

  'import-django': {
    options: { from: { type: 'string' }, expires: { type: 'string' } },
    required: [],
    async run({ stores, tokens, values }) {
      const from = values.from as string | undefined;
      if (from === undefined) throw new UsageError('import-django needs --from <Django database>');
      const tokenTtl = parseExpires(values.expires as string | undefined);
      let data;
      try {
        if (/^postgres(ql)?:\/\//.test(from)) {
          data = await readDjangoPostgres(from);
        } else {
          const path = from.startsWith('file:') ? localPath(from) : from;
          if (path === null || !existsSync(path)) throw new CommandError(`no Django database at ${from}`);
          data = await readDjangoSqlite(pathToFileURL(path).href);
        }
      } catch (error) {
        // SQLite's and Postgres's words for a missing table, here the source's, not ours.
        if (error instanceof Error && /no such table|relation "\w+" does not exist/.test(error.message)) {
          throw new CommandError('the --from database has no Django auth_user and authtoken_token tables', { cause: error });
        }
        throw error;
      }
      return formatDjangoReport(await importDjango(data, { users: stores.users, tokens, tokenTtl }));
    },
  },
};

// Signing keys (@latchkey/signatures): Hawk credentials and RFC 9421 keys.

/** The secret box over LATCHKEY_SECRET_KEY, for the stores to seal shared secrets; none when unset. */
function signingSecrets(): { secrets?: SecretBox } {
  const serverKey = process.env.LATCHKEY_SECRET_KEY;
  if (!serverKey) return {};
  try {
    return { secrets: createSecretBox(serverKey) };
  } catch (error) {
    throw new CommandError('LATCHKEY_SECRET_KEY must be base64 of 32 bytes', { cause: error });
  }
}

async function createKey({ stores, args: [username = ''], values }: Context): Promise<string> {
  const file = values['public-key'] as string | undefined;
  if ((values.hawk === true) === (file !== undefined)) throw new UsageError('createkey takes --hawk or --public-key <file>, not both');
  const algorithm = file === undefined ? 'hmac-sha256' : ((values.algorithm as string | undefined) ?? 'ed25519');
  if (!isSignatureAlgorithm(algorithm) || (file !== undefined && algorithm === 'hmac-sha256')) {
    throw new UsageError(`unknown public-key algorithm "${algorithm}" (ed25519, ecdsa-p256-sha256, rsa-pss-sha512, rsa-v1_5-sha256)`);
  }
  if (values.algorithm !== undefined && file === undefined) throw new UsageError('--algorithm goes with --public-key');
  const ttl = parseExpires(values.expires as string | undefined);
  if (file === undefined && !process.env.LATCHKEY_SECRET_KEY) {
    throw new CommandError('shared secrets are sealed at rest: set LATCHKEY_SECRET_KEY to base64 of 32 random bytes (the app needs the same)');
  }
  const userId = await requireUserId(stores, username);
  let publicKey: string | undefined;
  if (file !== undefined) {
    try {
      publicKey = await readFile(file, 'utf8');
    } catch (error) {
      throw new CommandError(`cannot read ${file}`, { cause: error });
    }
  }
  const now = Date.now();
  let created;
  try {
    created = await newSigningKey({
      userId,
      algorithm,
      ...(publicKey !== undefined && { publicKey }),
      scopes: (values.scope as string[] | undefined) ?? [],
      expiresAt: ttl === null ? null : now + ttl,
      now,
    });
  } catch (error) {
    if (error instanceof RangeError) throw new CommandError(error.message, { cause: error });
    throw new CommandError(`${file} is not a ${algorithm} public key (PEM "PUBLIC KEY")`, { cause: error });
  }
  await stores.signingKeys.insert(created.record);
  const { id } = created.record;
  if (values.json) return JSON.stringify({ id, key: created.secret, algorithm });
  const lines = [`Created ${algorithm} key for user ${username}`, `id:        ${id}`, `algorithm: ${algorithm}`];
  if (created.secret !== null) lines.push(`secret:    ${created.secret}`, '(the secret is shown only this once)');
  return lines.join('\n');
}

async function listKeys({ stores, args: [username = ''] }: Context): Promise<string> {
  // Listing never opens a sealed secret: it reads every column but the key.
  const rows = await stores.signingKeys.listWithoutKeys(await requireUserId(stores, username));
  if (rows.length === 0) return `No signing keys for user ${username}.`;
  return formatRows([
    ['ID', 'ALGORITHM', 'SCOPES', 'CREATED', 'EXPIRES'],
    ...rows.map((r) => [r.id, r.algorithm, r.scopes.join(' ') || '-', formatTime(r.createdAt), formatTime(r.expiresAt)]),
  ]);
}

async function revokeKey({ stores, args: [id = ''] }: Context): Promise<string> {
  if (!(await stores.signingKeys.delete(id))) throw new CommandError(`no signing key with id "${id}"`);
  return `Revoked signing key ${id}`;
}

const ALL_OPTIONS: Options = Object.assign({}, GLOBAL_OPTIONS, ...Object.values(COMMANDS).map((c) => c.options));

/** An `--expires` value in milliseconds; null when not given. */
function parseExpires(expires: string | undefined): number | null {
  const ttl = expires === undefined ? null : parseDuration(expires);
  if (ttl === null && expires !== undefined) {
    throw new UsageError(`bad duration "${expires}": use a whole number and s, m, h or d, e.g. 30d`);
  }
  return ttl;
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

async function requireUserId(stores: OpenStores, username: string): Promise<string> {
  const user = await stores.users.findByUsername(normalizeUsername(username));
  if (!user) throw new CommandError(`unknown user "${username}"`);
  return user.id;
}

async function readPasswordFromStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  const password = text.split(/\r?\n/, 1)[0] ?? '';
  if (password === '') throw new CommandError('--password-stdin read an empty password');
  // A NUL would be dropped by PBKDF2 (HMAC zero-pads keys) and is refused at every login.
  if (password.includes('\0')) throw new CommandError('--password-stdin read a password with a NUL character');
  return password;
}

const formatTime = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

function formatTable(records: readonly TokenRecord[]): string {
  const rows = [
    ['ID', 'NAME', 'SCOPES', 'CREATED', 'EXPIRES', 'LAST USED'],
    ...records.map((r) => [
      r.id,
      r.name ?? '-',
      r.scopes.join(' ') || '-',
      formatTime(r.createdAt),
      formatTime(r.expiresAt),
      formatTime(r.lastUsedAt),
    ]),
  ];
  return formatRows(rows);
}

/** Rows as aligned columns, the first row the header. */
function formatRows(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}

/** The local path of a `file:` URL, or null for `:memory:` and remote databases. */
function localPath(url: string): string | null {
  if (!url.startsWith('file:') || url.includes(':memory:')) return null;
  const withoutQuery = url.split('?', 1)[0] ?? url;
  return withoutQuery.startsWith('file://') ? fileURLToPath(withoutQuery) : withoutQuery.slice('file:'.length);
}

async function main(argv: readonly string[]): Promise<string> {
  // First pass: find the command, knowing every option so option values are not taken
  // for it. Second pass: strictly, with only that command's options.
  const loose = parseArgs({ args: [...argv], options: ALL_OPTIONS, allowPositionals: true, strict: false });
  if (loose.values.help) return USAGE.trimEnd();
  const [name] = loose.positionals;
  if (name === undefined) throw new UsageError('missing command (see latchkey --help)');
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) throw new UsageError(`unknown command "${name}" (see latchkey --help)`);
  const parsed = parseArgs({
    args: [...argv],
    options: { ...GLOBAL_OPTIONS, ...command.options },
    allowPositionals: true,
    strict: true,
  });
  const args = parsed.positionals.slice(1);
  const missing = command.required[args.length];
  if (missing !== undefined) throw new UsageError(`${name} needs <${missing}>`);
  if (args.length > command.required.length + (command.optional?.length ?? 0)) {
    throw new UsageError(`unexpected argument "${args.at(-1)}"`);
  }

  const url = (parsed.values.db as string | undefined) ?? process.env.LATCHKEY_DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const path = localPath(url);
  // Only `migrate` creates a database: a typo in --db must not leave an empty file behind.
  if (name !== 'migrate' && path !== null && !existsSync(path)) {
    throw new CommandError(`no database at ${path}: run "latchkey migrate" first`);
  }
  const authToken = process.env.LATCHKEY_DATABASE_AUTH_TOKEN || undefined;
  const stores = await openStores({ url, migrate: name === 'migrate', ...(authToken && { authToken }), ...signingSecrets() });
  try {
    const tokens = createTokenService({
      store: stores.tokens,
      secret: process.env.LATCHKEY_SECRET || null,
      ...(process.env.LATCHKEY_TOKEN_PREFIX !== undefined && { prefix: process.env.LATCHKEY_TOKEN_PREFIX }),
    });
    return await command.run({ stores, tokens, args, values: parsed.values });
  } catch (error) {
    // SQLite's and Postgres's words for a missing table.
    if (error instanceof Error && /no such table: latchkey_|relation "latchkey_\w+" does not exist/.test(error.message)) {
      throw new CommandError('the database has no Latchkey tables: run "latchkey migrate" first', { cause: error });
    }
    throw error;
  } finally {
    await stores.close();
  }
}

/** One line for stderr: the messages along the cause chain, never a stack. */
function describe(error: unknown): string {
  let line = '';
  for (let at: unknown = error; at !== undefined && at !== null; at = (at as { cause?: unknown }).cause) {
    const message = at instanceof Error ? at.message : String(at);
    if (!line.includes(message)) line += line === '' ? message : `: ${message}`;
    if (at instanceof CommandError) break;
  }
  return line.split('\n', 1)[0] ?? '';
}

try {
  process.stdout.write(`${await main(process.argv.slice(2))}\n`);
} catch (error) {
  process.stderr.write(`latchkey: ${describe(error)}\n`);
  const parseError = error instanceof TypeError && String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
  process.exitCode = error instanceof UsageError || parseError ? 2 : 1;
}
