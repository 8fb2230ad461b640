/**
 * `UserStore` over Drizzle, in the ready `latchkey_users` table. Apps with a users table
 * of their own implement `UserStore` over it instead (see the README); nothing else in
 * Latchkey needs this one.
 */
import type { Awaitable, AuthUser, NewUser, UserChanges, UserStore } from '@latchkey/core';
import { and, eq, ne, notExists, sql } from 'drizzle-orm';
import { mapQuery, redacted, type SQLiteDatabase } from './database.ts';
import { parseUserId as parseId } from './rows.ts';
import { latchkeyUsers as users } from './schema.ts';

/** A user from `latchkey_users`: core's `AuthUser` and when it was created (ms). */
export interface DrizzleUser extends AuthUser {
  readonly email: string | null;
  readonly emailVerifiedAt: number | null;
  readonly createdAt: number;
}

/** Options for `DrizzleUserStore`. */
export interface DrizzleUserStoreOptions {
  /** Clock for `createdAt`, milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

const STORE = 'DrizzleUserStore';

// Every column but the password hash, which only `getPasswordHash` reads. Shared with the
// token store's join (not exported from the package).
export const userColumns = {
  id: users.id,
  username: users.username,
  isActive: users.isActive,
  isStaff: users.isStaff,
  email: users.email,
  emailVerifiedAt: users.emailVerifiedAt,
  createdAt: users.createdAt,
};

// The unique index is on lower(email); comparing the same expression lets SQLite use it.
const sameEmail = (email: unknown) => sql`lower(${users.email}) = lower(${email})`;

type UserRow = Omit<typeof users.$inferSelect, 'passwordHash'>;

/** A row of `userColumns` as core's user. */
export function toUser(row: UserRow): DrizzleUser {
  return { ...row, id: String(row.id) };
}


/**
 * Users in any Drizzle SQLite database (libSQL, D1, …) migrated with `migrate()`. Ids
 * are the table's integer keys as strings ("1", "2", …). Storage errors propagate;
 * "not found" is null.
 */
export class DrizzleUserStore implements UserStore<DrizzleUser> {
  readonly #db: SQLiteDatabase;
  readonly #now: () => number;
  // Lookups on the request path (token auth reads the user, Basic auth the username and
  // hash), prepared once.
  readonly #byId;
  readonly #byUsername;
  readonly #hashById;
  readonly #byEmail;

  /** `db`: a Drizzle SQLite database holding the `latchkey_users` table. */
  constructor(db: SQLiteDatabase, options: DrizzleUserStoreOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
    this.#byId = db
      .select(userColumns)
      .from(users)
      .where(eq(users.id, sql.placeholder('id')))
      .prepare();
    this.#byUsername = db
      .select(userColumns)
      .from(users)
      .where(eq(users.username, sql.placeholder('username')))
      .prepare();
    this.#byEmail = db
      .select(userColumns)
      .from(users)
      .where(sameEmail(sql.placeholder('email')))
      .prepare();
    this.#hashById = db
      .select({ passwordHash: users.passwordHash })
      .from(users)
      .where(eq(users.id, sql.placeholder('id')))
      .prepare();
  }

  // Not async: a synchronous driver's answer is passed on at once (see mapQuery).
  findById(id: string): Awaitable<DrizzleUser | null> {
    const key = parseId(id);
    if (key === null) return null;
    return mapQuery(STORE, () => this.#byId.get({ id: key }), (row) => (row ? toUser(row) : null));
  }

  async findByUsername(username: string): Promise<DrizzleUser | null> {
    const row = await redacted(STORE, this.#byUsername.get({ username }));
    return row ? toUser(row) : null;
  }

  async findByEmail(email: string): Promise<DrizzleUser | null> {
    const row = await redacted(STORE, this.#byEmail.get({ email }));
    return row ? toUser(row) : null;
  }

  async getPasswordHash(userId: string): Promise<string | null> {
    const key = parseId(userId);
    const row = key === null ? undefined : await redacted(STORE, this.#hashById.get({ id: key }));
    return row?.passwordHash ?? null;
  }

  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    const key = parseId(userId);
    if (key !== null) await redacted(STORE, this.#db.update(users).set({ passwordHash }).where(eq(users.id, key)));
  }

  async createUser(input: NewUser): Promise<DrizzleUser | null> {
    // The unique indexes on username and lower(email) make "taken" atomic: a conflict on
    // either inserts nothing.
    const [row] = await redacted(
      STORE,
      this.#db
        .insert(users)
        .values({
          username: input.username,
          passwordHash: input.passwordHash,
          isActive: input.isActive ?? true,
          isStaff: input.isStaff ?? false,
          email: input.email ?? null,
          createdAt: this.#now(),
        })
        .onConflictDoNothing()
        .returning(userColumns),
    );
    return row ? toUser(row) : null;
  }

  async updateUser(id: string, changes: UserChanges): Promise<boolean> {
    const key = parseId(id);
    const set = {
      ...(changes.isActive !== undefined && { isActive: changes.isActive }),
      ...(changes.email !== undefined && { email: changes.email }),
      ...(changes.emailVerifiedAt !== undefined && { emailVerifiedAt: changes.emailVerifiedAt }),
    };
    if (key === null) return false;
    if (Object.keys(set).length === 0) return (await this.findById(id)) !== null;
    // One statement: the address is checked free and taken under the same write lock, so a
    // concurrent change cannot slip between (and the unique index backs it up).
    const others = this.#db
      .select({ id: users.id })
      .from(users)
      .where(and(sameEmail(changes.email ?? null), ne(users.id, key)));
    const free = changes.email ? notExists(others) : undefined;
    const updated = await redacted(
      STORE,
      this.#db.update(users).set(set).where(and(eq(users.id, key), free)).returning({ id: users.id }),
    );
    return updated.length === 1;
  }

  /**
   * Deletes a user and their password hash; a missing id is not an error. Their tokens are
   * the token store's: they stay, and fail as "User inactive or deleted." The table's
   * AUTOINCREMENT never hands a deleted id out again, so no later user inherits them.
   */
  async deleteUser(id: string): Promise<void> {
    const key = parseId(id);
    if (key !== null) await redacted(STORE, this.#db.delete(users).where(eq(users.id, key)));
  }
}
