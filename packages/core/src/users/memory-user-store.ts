import { type AuthUser, emailKey, type NewUser, type UserChanges, type UserStore } from './user-store.ts';

/** A user as `MemoryUserStore` keeps it. */
export interface MemoryUser extends AuthUser {
  readonly email: string | null;
  readonly emailVerifiedAt: number | null;
  readonly createdAt: number;
}

/** Options for `MemoryUserStore`. */
export interface MemoryUserStoreOptions {
  /** Clock in milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * A `UserStore` in this process's memory, for tests and demos. Ids are sequential
 * strings ("1", "2", …), like Django's auto ids.
 */
export class MemoryUserStore implements UserStore<MemoryUser> {
  readonly #users = new Map<string, MemoryUser>();
  readonly #idByUsername = new Map<string, string>();
  readonly #idByEmail = new Map<string, string>();
  readonly #hashes = new Map<string, string>();
  readonly #now: () => number;
  #nextId = 1;

  constructor(options: MemoryUserStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  // Not async: the answer is here at once (see `Awaitable`).
  findById(id: string): MemoryUser | null {
    const user = this.#users.get(id);
    return user ? { ...user } : null;
  }

  async findByUsername(username: string): Promise<MemoryUser | null> {
    const id = this.#idByUsername.get(username);
    return id === undefined ? null : this.findById(id);
  }

  async findByEmail(email: string): Promise<MemoryUser | null> {
    const id = this.#idByEmail.get(emailKey(email));
    return id === undefined ? null : this.findById(id);
  }

  async getPasswordHash(userId: string): Promise<string | null> {
    return this.#hashes.get(userId) ?? null;
  }

  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    if (this.#users.has(userId)) this.#hashes.set(userId, passwordHash);
  }

  async createUser(input: NewUser): Promise<MemoryUser | null> {
    if (this.#idByUsername.has(input.username)) return null;
    const email = input.email ?? null;
    if (email !== null && this.#idByEmail.has(emailKey(email))) return null;
    const user: MemoryUser = {
      id: String(this.#nextId++),
      username: input.username,
      isActive: input.isActive ?? true,
      isStaff: input.isStaff ?? false,
      email,
      emailVerifiedAt: null,
      createdAt: this.#now(),
    };
    this.#users.set(user.id, user);
    this.#idByUsername.set(user.username, user.id);
    if (email !== null) this.#idByEmail.set(emailKey(email), user.id);
    if (input.passwordHash !== null) this.#hashes.set(user.id, input.passwordHash);
    return { ...user };
  }

  async updateUser(id: string, changes: UserChanges): Promise<boolean> {
    const user = this.#users.get(id);
    if (!user) return false;
    if (changes.email !== undefined && changes.email !== null) {
      const owner = this.#idByEmail.get(emailKey(changes.email));
      if (owner !== undefined && owner !== id) return false;
    }
    const updated: MemoryUser = {
      ...user,
      ...(changes.isActive !== undefined && { isActive: changes.isActive }),
      ...(changes.email !== undefined && { email: changes.email }),
      ...(changes.emailVerifiedAt !== undefined && { emailVerifiedAt: changes.emailVerifiedAt }),
    };
    if (user.email !== null) this.#idByEmail.delete(emailKey(user.email));
    if (updated.email !== null) this.#idByEmail.set(emailKey(updated.email), id);
    this.#users.set(id, updated);
    return true;
  }

  /** Marks a user active or inactive (tests use it for "User inactive or deleted."). */
  async setActive(userId: string, isActive: boolean): Promise<void> {
    await this.updateUser(userId, { isActive });
  }

  /** Removes a user and their password hash. */
  async deleteUser(userId: string): Promise<void> {
    const user = this.#users.get(userId);
    if (!user) return;
    this.#users.delete(userId);
    this.#idByUsername.delete(user.username);
    if (user.email !== null) this.#idByEmail.delete(emailKey(user.email));
    this.#hashes.delete(userId);
  }
}
