/**
 * Moving a Django REST framework project over without logging anyone out: its users and
 * its DRF tokens, read from Django's own tables (`auth_user`, `authtoken_token`) and
 * written through core's `UserStore` and token service.
 *
 * - Emails come along (unverified: Django does not record that), except one another user
 *   already has, since Latchkey's emails are unique and Django's are not.
 * - Password hashes are copied as they are: Django's PBKDF2 format is Latchkey's, so users
 *   log in with the passwords they have, and the first login re-hashes at today's
 *   parameters. An unusable password (Django's `!…`) becomes no password.
 * - DRF keys are hashed at once (`TokenService.importKey`), like any token; the plaintext is
 *   never stored or printed. Clients keep using them through `tokenAuth({ legacyKeys: true })`.
 * - Running it again changes nothing: a username already present is left as it is (its
 *   Django tokens are attached to it), a key already stored is skipped.
 */
import { createClient } from '@libsql/client';
import type { AuthUser, TokenService, UserStore } from '@latchkey/core';

/** One row of Django's `auth_user`, as the import reads it. */
export interface DjangoUser {
  readonly id: string;
  readonly username: string;
  readonly email: string;
  /** Django's encoded hash: `pbkdf2_sha256$…`, another algorithm, or `!…` (unusable). */
  readonly password: string;
  readonly isStaff: boolean;
  readonly isActive: boolean;
}

/** One row of DRF's `authtoken_token`. */
export interface DjangoToken {
  /** The 40-hex key clients send. */
  readonly key: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  /** The owner's `auth_user.id`. */
  readonly userId: string;
}

/** What a Django database holds for Latchkey. */
export interface DjangoData {
  readonly users: readonly DjangoUser[];
  readonly tokens: readonly DjangoToken[];
}

/** Options for `importDjango`. */
export interface ImportDjangoOptions<U extends AuthUser> {
  /** Where users go. Required. */
  readonly users: UserStore<U>;
  /** Where tokens go (its `secret` must be the app's). Required. */
  readonly tokens: TokenService;
  /** Lifetime of imported keys from now, so they retire themselves; null: never. Default `null`. */
  readonly tokenTtl?: number | null;
}

/** What an import did, in counts (never a key). */
export interface DjangoImportReport {
  readonly usersCreated: number;
  /** Usernames already in the user store, left unchanged. */
  readonly usersExisting: number;
  /** Imported users whose hash Latchkey cannot verify (not PBKDF2-SHA256): they must reset. */
  readonly usersNeedingReset: number;
  /** Emails imported with their users. */
  readonly emailsImported: number;
  /** Emails left out because another user already has them (Django allows duplicates). */
  readonly emailsTaken: number;
  readonly tokensImported: number;
  /** Keys already stored. */
  readonly tokensExisting: number;
  /** Keys whose owner is not among the users (not imported). */
  readonly tokensOrphaned: number;
}

/** The name imported keys carry, so `latchkey tokens` shows where they came from. */
export const DJANGO_TOKEN_NAME = 'drf';

// Django's SQLite DateTimeField text, UTC when USE_TZ is on (the default since Django 5.0).
const DJANGO_TIME = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?(Z|[+-]\d\d:\d\d)?$/;

/** Milliseconds since the epoch of a Django datetime; a time without offset is taken as UTC. */
export function parseDjangoTime(text: string): number {
  const match = DJANGO_TIME.exec(text.trim());
  const at = match ? Date.parse(`${match[1]}T${match[2]}.${(match[3] ?? '').padEnd(3, '0').slice(0, 3)}${match[4] ?? 'Z'}`) : NaN;
  if (!Number.isFinite(at)) throw new RangeError(`not a Django datetime: "${text}"`);
  return at;
}

/** What both sources select: the same columns from Django's own tables. */
export const DJANGO_USERS_QUERY = 'SELECT id, username, email, password, is_staff, is_active FROM auth_user ORDER BY id';
export const DJANGO_TOKENS_QUERY = 'SELECT key, created, user_id FROM authtoken_token';

type Row = Readonly<Record<string, unknown>>;

/** Rows of the two queries as the import reads them, whichever driver returned them. */
export function djangoData(users: readonly Row[], tokens: readonly Row[]): DjangoData {
  // SQLite gives 0/1 and text times; Postgres booleans and Dates.
  const flag = (value: unknown) => value === true || Number(value) === 1;
  return {
    users: users.map((row) => ({
      id: String(row.id),
      username: String(row.username),
      email: String(row.email ?? ''),
      password: String(row.password ?? ''),
      isStaff: flag(row.is_staff),
      isActive: flag(row.is_active),
    })),
    tokens: tokens.map((row) => ({
      key: String(row.key),
      createdAt: row.created instanceof Date ? row.created.getTime() : parseDjangoTime(String(row.created)),
      userId: String(row.user_id),
    })),
  };
}

/**
 * Reads users and tokens from a Django SQLite database file (`file:` URL), read-only. A
 * database without DRF's authtoken app gives no tokens.
 */
export async function readDjangoSqlite(url: string): Promise<DjangoData> {
  const client = createClient({ url });
  try {
    const users = await client.execute(DJANGO_USERS_QUERY);
    const hasTokens = await client.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'authtoken_token'");
    const tokens = hasTokens.rows.length === 0 ? [] : (await client.execute(DJANGO_TOKENS_QUERY)).rows;
    return djangoData(users.rows, tokens);
  } finally {
    client.close();
  }
}

/** Imports `data` into the stores; see the module comment for what is kept and how. */
export async function importDjango<U extends AuthUser>(data: DjangoData, options: ImportDjangoOptions<U>): Promise<DjangoImportReport> {
  const { users, tokens, tokenTtl = null } = options;
  let usersCreated = 0;
  let usersExisting = 0;
  let usersNeedingReset = 0;
  let emailsImported = 0;
  let emailsTaken = 0;
  const latchkeyIds = new Map<string, string>();
  for (const django of data.users) {
    const existing = await users.findByUsername(django.username);
    if (existing) {
      usersExisting++;
      latchkeyIds.set(django.id, existing.id);
      continue;
    }
    const usable = !django.password.startsWith('!') && django.password !== '';
    const input = {
      username: django.username,
      passwordHash: usable ? django.password : null,
      isStaff: django.isStaff,
      isActive: django.isActive,
    };
    const email = django.email.trim() || null;
    // A taken email makes createUser refuse the whole user, so it is checked first and, for
    // a race, the user is tried once more without it.
    const emailFree = email !== null && !(users.findByEmail && (await users.findByEmail(email)));
    let created = emailFree ? await users.createUser({ ...input, email }) : null;
    if (created) emailsImported++;
    else {
      if (email !== null) emailsTaken++;
      created = await users.createUser(input);
    }
    // Taken between the lookup and the insert: someone else created it, leave it to them.
    if (!created) throw new Error(`user "${django.username}" appeared during the import; run it again`);
    usersCreated++;
    if (usable && !django.password.startsWith('pbkdf2_sha256$')) usersNeedingReset++;
    latchkeyIds.set(django.id, created.id);
  }

  let tokensImported = 0;
  let tokensExisting = 0;
  let tokensOrphaned = 0;
  for (const token of data.tokens) {
    const owner = latchkeyIds.get(token.userId);
    if (owner === undefined) {
      tokensOrphaned++;
      continue;
    }
    const imported = await tokens.importKey(owner, token.key, { createdAt: token.createdAt, name: DJANGO_TOKEN_NAME, ttl: tokenTtl });
    if (imported.ok) tokensImported++;
    else tokensExisting++;
  }
  return { usersCreated, usersExisting, usersNeedingReset, emailsImported, emailsTaken, tokensImported, tokensExisting, tokensOrphaned };
}

/** The report as `latchkey import-django` prints it: counts only. */
export function formatDjangoReport(report: DjangoImportReport): string {
  const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
  const lines = [
    `Imported ${plural(report.usersCreated, 'user')} (${report.usersExisting} already present) and ` +
      `${plural(report.tokensImported, 'token')} (${report.tokensExisting} already present) from Django.`,
  ];
  if (report.usersNeedingReset > 0) {
    lines.push(`${plural(report.usersNeedingReset, 'user')} with a hash other than pbkdf2_sha256 must reset their password.`);
  }
  if (report.tokensOrphaned > 0) lines.push(`${plural(report.tokensOrphaned, 'token')} without a user were skipped.`);
  if (report.emailsTaken > 0) {
    lines.push(`${plural(report.emailsTaken, 'email')} left out: another user already has ${report.emailsTaken === 1 ? 'it' : 'them'}.`);
  }
  return lines.join('\n');
}
