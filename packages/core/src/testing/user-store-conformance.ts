import type { AuthUser, UserStore } from '../users/user-store.ts';
import { check, checkEqual } from './assert.ts';
import type { ConformanceCase } from './conformance-case.ts';

const pick = (user: AuthUser | null) =>
  user && { id: user.id, username: user.username, isActive: user.isActive, isStaff: user.isStaff };

/**
 * The `UserStore` contract as runnable checks. `makeStore` is called once per case and
 * must return an empty store.
 */
export function userStoreConformance(makeStore: () => UserStore | Promise<UserStore>): ConformanceCase[] {
  const cases: Array<[string, (store: UserStore) => Promise<void>]> = [
    ['creates a user, active and not staff by default, found by id and by username', async (store) => {
      const user = await store.createUser({ username: 'alice', passwordHash: 'h1' });
      check(user, 'createUser returns the user');
      checkEqual([user.username, user.isActive, user.isStaff], ['alice', true, false], 'defaults');
      check(typeof user.id === 'string' && user.id.length > 0, 'id is a non-empty string');
      checkEqual(pick(await store.findById(user.id)), pick(user), 'findById');
      checkEqual(pick(await store.findByUsername('alice')), pick(user), 'findByUsername');
    }],
    ['keeps staff and inactive flags', async (store) => {
      const user = await store.createUser({ username: 'root', passwordHash: null, isStaff: true, isActive: false });
      checkEqual([user?.isStaff, user?.isActive], [true, false], 'flags');
      const found = await store.findByUsername('root');
      checkEqual([found?.isStaff, found?.isActive], [true, false], 'flags after lookup');
    }],
    ['refuses a taken username with null and keeps the first user', async (store) => {
      const first = await store.createUser({ username: 'alice', passwordHash: 'h1' });
      checkEqual(await store.createUser({ username: 'alice', passwordHash: 'h2' }), null, 'duplicate');
      checkEqual(await store.getPasswordHash(first!.id), 'h1', 'first hash kept');
    }],
    ['matches usernames exactly', async (store) => {
      await store.createUser({ username: 'Alice', passwordHash: null });
      checkEqual(await store.findByUsername('alice'), null, 'other case');
      checkEqual(await store.findByUsername('Alic'), null, 'prefix');
    }],
    ['answers null for unknown ids and usernames', async (store) => {
      checkEqual(await store.findById('999999'), null, 'unknown id');
      checkEqual(await store.findByUsername('nobody'), null, 'unknown username');
      checkEqual(await store.getPasswordHash('999999'), null, 'unknown hash');
    }],
    ['stores, replaces and reports password hashes, null when none was set', async (store) => {
      const withHash = await store.createUser({ username: 'a', passwordHash: 'pbkdf2_sha256$1$s$h' });
      const without = await store.createUser({ username: 'b', passwordHash: null });
      checkEqual(await store.getPasswordHash(withHash!.id), 'pbkdf2_sha256$1$s$h', 'stored');
      checkEqual(await store.getPasswordHash(without!.id), null, 'none');
      await store.setPasswordHash(withHash!.id, 'new');
      checkEqual(await store.getPasswordHash(withHash!.id), 'new', 'replaced');
      checkEqual(await store.getPasswordHash(without!.id), null, 'other user untouched');
    }],
    ['deleteUser, where the store has it, removes the user, their hash and their name', async (store) => {
      if (!store.deleteUser) return;
      const user = await store.createUser({ username: 'gone', passwordHash: 'h' });
      await store.deleteUser(user!.id);
      checkEqual(await store.findById(user!.id), null, 'by id');
      checkEqual(await store.findByUsername('gone'), null, 'by username');
      checkEqual(await store.getPasswordHash(user!.id), null, 'hash');
      check(await store.createUser({ username: 'gone', passwordHash: null }), 'the name is free again');
      await store.deleteUser('no-such-id');
    }],
    ['keeps an email as given, finds it ignoring ASCII case, and keeps it unique that way', async (store) => {
      if (!store.findByEmail) return;
      const ann = await store.createUser({ username: 'ann', passwordHash: null, email: 'Ann.Lee@Example.ORG' });
      check(ann, 'created with an email');
      checkEqual([ann.email, ann.emailVerifiedAt ?? null], ['Ann.Lee@Example.ORG', null], 'kept as given, unverified');
      checkEqual(pick(await store.findByEmail('ann.lee@example.org')), pick(ann), 'lower case');
      checkEqual(pick(await store.findByEmail('ANN.LEE@EXAMPLE.ORG')), pick(ann), 'upper case');
      checkEqual(await store.findByEmail('ann.lee@example.or'), null, 'prefix');
      checkEqual(await store.findByEmail('nobody@example.org'), null, 'unknown');
      checkEqual(await store.createUser({ username: 'bob', passwordHash: null, email: 'ANN.lee@example.org' }), null, 'taken');
      checkEqual(await store.findByUsername('bob'), null, 'nothing created');
      check(await store.createUser({ username: 'carl', passwordHash: null }), 'a second user without email');
      check(await store.createUser({ username: 'dora', passwordHash: null, email: null }), 'a third without email');
    }],
    ['updateUser changes activity, email and its verification, and refuses a taken email', async (store) => {
      if (!store.updateUser || !store.findByEmail) return;
      const ann = await store.createUser({ username: 'ann', passwordHash: 'h', isActive: false, email: 'ann@example.org' });
      const bob = await store.createUser({ username: 'bob', passwordHash: null, email: 'bob@example.org' });
      check(ann && bob, 'created');
      check(await store.updateUser(ann.id, { isActive: true, emailVerifiedAt: 1_700_000_000_000 }), 'activated');
      let found = await store.findById(ann.id);
      checkEqual([found?.isActive, found?.email, found?.emailVerifiedAt], [true, 'ann@example.org', 1_700_000_000_000], 'after');
      checkEqual(await store.updateUser(ann.id, { email: 'BOB@example.org' }), false, 'taken email refused');
      checkEqual((await store.findById(ann.id))?.email, 'ann@example.org', 'unchanged');
      check(await store.updateUser(ann.id, { email: 'Ann@New.example', emailVerifiedAt: null }), 'changed');
      found = await store.findByEmail('ann@new.example');
      checkEqual([found?.id, found?.emailVerifiedAt ?? null], [ann.id, null], 'found by the new address');
      checkEqual(await store.findByEmail('ann@example.org'), null, 'the old address is free');
      check(await store.createUser({ username: 'eve', passwordHash: null, email: 'ann@example.org' }), 'and can be taken');
      check(await store.updateUser(ann.id, { email: 'ann@NEW.example' }), 'its own address in another case');
      checkEqual(await store.getPasswordHash(ann.id), 'h', 'hash untouched');
      checkEqual(await store.updateUser('999999', { isActive: true }), false, 'unknown id');
    }],
  ];
  return cases.map(([name, body]) => ({
    name: `UserStore ${name}`,
    run: async () => body(await makeStore()),
  }));
}
