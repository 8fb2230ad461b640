/**
 * `UserStore` over Drizzle, in the ready `latchkey_users` table. Apps with a users table
 * of their own implement `UserStore` over it instead (see the README); nothing else in
 * Latchkey needs this one.
 */
import type { AuthUser, NewUser, UserStore } from '@latchkey/core';
import { eq, sql } from 'drizzle-orm';
import { redacted, type SQLiteDatabase } from './database.ts';
import { parseUserId as parseId } from './rows.ts';
import { latchkeyUsers as users } from './schema.ts';

/** A user from `latchkey_users`: core's `AuthUser` and when it was created (ms). */
export interface DrizzleUser extends AuthUser {
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
  createdAt: users.createdAt,
};

type UserRow = { [K in keyof typeof userColumns]: (typeof userColumns)[K]['_']['data'] };

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
    this.#hashById = db
      .select({ passwordHash: users.passwordHash })
      .from(users)
      .where(eq(users.id, sql.placeholder('id')))
      .prepare();
  }

  async findById(id: string): Promise<DrizzleUser | null> {
    const key = parseId(id);
    const row = key === null ? undefined : await redacted(STORE, this.#byId.get({ id: key }));
    return row ? toUser(row) : null;
  }

  async findByUsername(username: string): Promise<DrizzleUser | null> {
    const row = await redacted(STORE, this.#byUsername.get({ username }));
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
    // The unique index on username makes "taken" atomic: the conflict inserts nothing.
    const [row] = await redacted(
      STORE,
      this.#db
        .insert(users)
        .values({
          username: input.username,
          passwordHash: input.passwordHash,
          isActive: input.isActive ?? true,
          isStaff: input.isStaff ?? false,
          createdAt: this.#now(),
        })
        .onConflictDoNothing({ target: users.username })
        .returning(userColumns),
    );
    return row ? toUser(row) : null;
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
