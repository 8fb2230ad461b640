#!/usr/bin/env node
/**
 * `latchkey`: DRF's `drf_create_token`, grown up. Manages users and tokens in a libSQL
 * database (a local file, or remote with an auth token) from the command line.
 *
 * Tokens and password hashes are made by core's token service and password hasher, so a
 * token made here is one the app accepts, provided both use the same `LATCHKEY_SECRET`
 * (the app's `createTokenService({ secret })`) and token prefix. Failures print one line
 * on stderr and exit non-zero: 2 for a usage error, 1 for anything else.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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
import { parseDuration } from './duration.ts';
import { DEFAULT_DATABASE_URL, type LibsqlStores, openLibsqlStores } from './libsql.ts';

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
  purge                         delete expired tokens and one-time tokens (mailed links)

Options:
  --db <url>                    database: file:path.db, libsql://…, https://…
                                (default: $LATCHKEY_DATABASE_URL, else ${DEFAULT_DATABASE_URL})
  -h, --help                    show this help

Environment:
  LATCHKEY_DATABASE_URL         database URL, when --db is not given
  LATCHKEY_DATABASE_AUTH_TOKEN  auth token for a remote database
  LATCHKEY_SECRET               the app's createTokenService({ secret }): tokens made with
                                another secret (or none) do not verify in the app
  LATCHKEY_TOKEN_PREFIX         the app's token prefix, when not core's default
`;

/** A mistake in the command line itself: exit 2. */
class UsageError extends Error {}
/** An ordinary failure (unknown user, token or database): exit 1. */
class CommandError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

interface Context {
  readonly stores: LibsqlStores;
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
    // openLibsqlStores has already migrated by the time this runs.
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
      const expires = values.expires as string | undefined;
      const ttl = expires === undefined ? null : parseDuration(expires);
      if (ttl === null && expires !== undefined) {
        throw new UsageError(`bad duration "${expires}": use a whole number and s, m, h or d, e.g. 30d`);
      }
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
      const purged = await tokens.purgeExpired();
      const links = await createOneTimeTokens({ store: stores.oneTime }).purgeExpired();
      return `Purged ${plural(purged, 'expired token')} and ${plural(links, 'expired one-time token')}`;
    },
  },
};

const ALL_OPTIONS: Options = Object.assign({}, GLOBAL_OPTIONS, ...Object.values(COMMANDS).map((c) => c.options));

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

async function requireUserId(stores: LibsqlStores, username: string): Promise<string> {
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
  const stores = await openLibsqlStores({ url, migrate: name === 'migrate', ...(authToken && { authToken }) });
  try {
    const tokens = createTokenService({
      store: stores.tokens,
      secret: process.env.LATCHKEY_SECRET || null,
      ...(process.env.LATCHKEY_TOKEN_PREFIX !== undefined && { prefix: process.env.LATCHKEY_TOKEN_PREFIX }),
    });
    return await command.run({ stores, tokens, args, values: parsed.values });
  } catch (error) {
    if (error instanceof Error && /no such table/.test(error.message)) {
      throw new CommandError('the database has no Latchkey tables: run "latchkey migrate" first', { cause: error });
    }
    throw error;
  } finally {
    stores.close();
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
