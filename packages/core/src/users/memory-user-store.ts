import type { AuthUser, NewUser, UserStore } from './user-store.ts';

/** A user as `MemoryUserStore` keeps it. */
export interface MemoryUser extends AuthUser {
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
  readonly #hashes = new Map<string, string>();
  readonly #now: () => number;
  #nextId = 1;

  constructor(options: MemoryUserStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  async findById(id: string): Promise<MemoryUser | null> {
    const user = this.#users.get(id);
    return user ? { ...user } : null;
  }

  async findByUsername(username: string): Promise<MemoryUser | null> {
    const id = this.#idByUsername.get(username);
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
    const user: MemoryUser = {
      id: String(this.#nextId++),
      username: input.username,
      isActive: input.isActive ?? true,
      isStaff: input.isStaff ?? false,
      createdAt: this.#now(),
    };
    this.#users.set(user.id, user);
    this.#idByUsername.set(user.username, user.id);
    if (input.passwordHash !== null) this.#hashes.set(user.id, input.passwordHash);
    return { ...user };
  }

  /** Marks a user active or inactive (tests use it for "User inactive or deleted."). */
  async setActive(userId: string, isActive: boolean): Promise<void> {
    const user = this.#users.get(userId);
    if (user) this.#users.set(userId, { ...user, isActive });
  }

  /** Removes a user and their password hash. */
  async deleteUser(userId: string): Promise<void> {
    const user = this.#users.get(userId);
    if (!user) return;
    this.#users.delete(userId);
    this.#idByUsername.delete(user.username);
    this.#hashes.delete(userId);
  }
}
