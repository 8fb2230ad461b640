/**
 * `UserStore` over Drizzle's Postgres dialect, in the ready `latchkey_users` table. Apps with
 * a users table of their own implement `UserStore` over it instead (see the README).
 */
import type { NewUser, UserChanges, UserStore } from '@latchkey/core';
import { and, eq, ne, notExists, sql } from 'drizzle-orm';
import { redacted } from '../database.ts';
import { parseUserId } from '../rows.ts';
import type { DrizzleUser, DrizzleUserStoreOptions } from '../user-store.ts';
import type { PostgresDatabase } from './database.ts';
import { latchkeyUsers as users } from './schema.ts';

const STORE = 'PostgresUserStore';

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

// The unique index is on lower(email); comparing the same expression lets Postgres use it.
const sameEmail = (email: unknown) => sql`lower(${users.email}) = lower(${email})`;

// Postgres's unique_violation: the unique index refused a row another writer got to first.
const isUniqueViolation = (error: unknown) =>
  (error as { cause?: { code?: unknown } } | null)?.cause?.code === '23505';

type UserRow = Omit<typeof users.$inferSelect, 'passwordHash'>;

/** A row of `userColumns` as core's user. */
export const toUser = (row: UserRow): DrizzleUser => ({ ...row, id: String(row.id) });

// The identity column is a Postgres integer: a larger id would fail the query, not find no one.
const MAX_ID = 2_147_483_647;
const parseId = (id: string) => {
  const key = parseUserId(id);
  return key !== null && key <= MAX_ID ? key : null;
};

/**
 * Users in any Drizzle Postgres database migrated with `migratePostgres()`. Ids are the
 * identity column's integers as strings ("1", "2", …). Storage errors propagate; "not
 * found" is null.
 */
export class PostgresUserStore implements UserStore<DrizzleUser> {
  readonly #db: PostgresDatabase;
  readonly #now: () => number;
  // Lookups on the request path (token auth reads the user, Basic auth the username and
  // hash), prepared once.
  readonly #byId;
  readonly #byUsername;
  readonly #hashById;
  readonly #byEmail;

  /** `db`: a Drizzle Postgres database holding the `latchkey_users` table. */
  constructor(db: PostgresDatabase, options: DrizzleUserStoreOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
    this.#byId = db
      .select(userColumns)
      .from(users)
      .where(eq(users.id, sql.placeholder('id')))
      .prepare('latchkey_user_by_id');
    this.#byUsername = db
      .select(userColumns)
      .from(users)
      .where(eq(users.username, sql.placeholder('username')))
      .prepare('latchkey_user_by_username');
    this.#byEmail = db
      .select(userColumns)
      .from(users)
      .where(sameEmail(sql.placeholder('email')))
      .prepare('latchkey_user_by_email');
    this.#hashById = db
      .select({ passwordHash: users.passwordHash })
      .from(users)
      .where(eq(users.id, sql.placeholder('id')))
      .prepare('latchkey_password_hash_by_id');
  }

  async findById(id: string): Promise<DrizzleUser | null> {
    const key = parseId(id);
    const [row] = key === null ? [] : await redacted(STORE, this.#byId.execute({ id: key }));
    return row ? toUser(row) : null;
  }

  async findByUsername(username: string): Promise<DrizzleUser | null> {
    const [row] = await redacted(STORE, this.#byUsername.execute({ username }));
    return row ? toUser(row) : null;
  }

  async findByEmail(email: string): Promise<DrizzleUser | null> {
    const [row] = await redacted(STORE, this.#byEmail.execute({ email }));
    return row ? toUser(row) : null;
  }

  async getPasswordHash(userId: string): Promise<string | null> {
    const key = parseId(userId);
    const [row] = key === null ? [] : await redacted(STORE, this.#hashById.execute({ id: key }));
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
    // The address must be free. Postgres does not lock what NOT EXISTS reads, so two
    // concurrent changes to one address can both pass it: the unique index refuses the
    // second, which is "taken" (false), not a storage failure.
    const others = this.#db
      .select({ id: users.id })
      .from(users)
      .where(and(sameEmail(changes.email ?? null), ne(users.id, key)));
    const free = changes.email ? notExists(others) : undefined;
    try {
      const updated = await redacted(
        STORE,
        this.#db.update(users).set(set).where(and(eq(users.id, key), free)).returning({ id: users.id }),
      );
      return updated.length === 1;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /**
   * Deletes a user and their password hash; a missing id is not an error. Their tokens stay
   * and fail as "User inactive or deleted."; the identity column never hands the id out again.
   */
  async deleteUser(id: string): Promise<void> {
    const key = parseId(id);
    if (key !== null) await redacted(STORE, this.#db.delete(users).where(eq(users.id, key)));
  }
}
