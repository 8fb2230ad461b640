/**
 * The user contract. Core owns no user table: an app plugs its own in by implementing
 * `UserStore`, or uses the ready one in `@latchkey/drizzle` (or `MemoryUserStore`).
 */
import type { Awaitable } from '../awaitable.ts';

/** The fields Latchkey reads from a user, as DRF reads them from Django's user model. */
export interface AuthUser {
  /** Stable identifier; tokens refer to it. */
  readonly id: string;
  /** Unique login name. */
  readonly username: string;
  /** Inactive users cannot authenticate (DRF: "User inactive or deleted."). */
  readonly isActive: boolean;
  /** Staff users pass `isAdminUser`. */
  readonly isStaff: boolean;
  /** The user's email address, as given; absent or null: none. The account flows mail it. */
  readonly email?: string | null;
  /** When the address was proved by a mailed link, ms since the epoch; absent or null: never. */
  readonly emailVerifiedAt?: number | null;
}

/** The key under which an address is unique: ASCII letters lowercased, as SQL's `lower()` does. */
export function emailKey(email: string): string {
  return email.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/** What `UserStore.createUser` needs. */
export interface NewUser {
  readonly username: string;
  /** A hash from `hashPassword`, or null for a user who cannot log in with a password. */
  readonly passwordHash: string | null;
  /** Default false. */
  readonly isStaff?: boolean;
  /** Default true. */
  readonly isActive?: boolean;
  /** Default null: no address. */
  readonly email?: string | null;
}

/** What `UserStore.updateUser` may change; an absent field stays as it is. */
export interface UserChanges {
  readonly isActive?: boolean;
  /** A new address (null removes it); matched like `findByEmail` for uniqueness. */
  readonly email?: string | null;
  readonly emailVerifiedAt?: number | null;
}

/**
 * Where users live. `U` is the app's own user type; it only has to carry `AuthUser`'s
 * fields, and whatever else it carries reaches handlers unchanged.
 *
 * - Lookups MUST return null for "not found" and throw only when storage fails.
 * - `findByUsername` MUST match exactly (case-sensitive, as Django does by default).
 * - Password hashes are opaque strings to the store.
 * - `createUser` MUST return null, creating nothing, when the username is taken, and MUST
 *   be atomic about it (a unique index is enough).
 * - Emails are optional and unique ignoring ASCII case (`Ann@x.org` and `ann@X.ORG` are one
 *   address, as mail servers treat domains and most treat local parts): `createUser` and
 *   `updateUser` MUST refuse, changing nothing, an address another user has, atomically
 *   (a unique index on the lowercased address is enough), and `findByEmail` MUST match the
 *   same way. The address is kept as given. Users without one never match.
 * - `findByEmail` and `updateUser` are optional because only the account flows (activation,
 *   password reset, email change) need them; those flows refuse a store without them.
 */
export interface UserStore<U extends AuthUser = AuthUser> {
  /**
   * The user with this id, or null. On every token-authenticated request: a store that
   * has the answer at once (memory, a synchronous driver) may return it without a promise.
   */
  findById(id: string): Awaitable<U | null>;
  /** The user with this username, or null. */
  findByUsername(username: string): Promise<U | null>;
  /** The stored password hash, or null when the user has none (or does not exist). */
  getPasswordHash(userId: string): Promise<string | null>;
  /** Replaces the stored password hash (upgrades on login use it). */
  setPasswordHash(userId: string, passwordHash: string): Promise<void>;
  /** Creates a user; null when the username (or the email) is taken. */
  createUser(input: NewUser): Promise<U | null>;
  /** The user with this email, ASCII case ignored, or null. */
  findByEmail?(email: string): Promise<U | null>;
  /** Applies `changes`; false, changing nothing, when the user is missing or the email is taken. */
  updateUser?(id: string, changes: UserChanges): Promise<boolean>;
  /**
   * Deletes a user; a missing id is not an error. Optional: registration uses it to undo a
   * user whose `onUserCreated` hook failed, and without it such a user stays.
   */
  deleteUser?(id: string): Promise<void>;
}
