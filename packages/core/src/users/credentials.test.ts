import { describe, expect, it } from 'vitest';
import { checkCredentials } from './credentials.ts';
import { PASSWORD, world } from '../test-support.ts';

describe('checking a username and password', () => {
  it('proves the user with the right password', async () => {
    const { users, passwords } = await world();
    const checked = await checkCredentials(users, passwords, 'alice', PASSWORD);
    expect(checked.ok && checked.user.username).toBe('alice');
  });

  it.each([
    ['mallory', PASSWORD, 'unknown-user'],
    ['alice', 'wrong', 'wrong-password'],
    ['carol', PASSWORD, 'inactive'],
    ['carol', 'wrong', 'wrong-password'],
  ])('refuses %s / %s as %s', async (username, password, reason) => {
    const { users, passwords } = await world();
    expect(await checkCredentials(users, passwords, username, password)).toEqual({ ok: false, reason });
  });

  it('does not upgrade the hash of a refused login', async () => {
    const { users, passwords, carol } = await world();
    const before = await users.getPasswordHash(carol.id);
    const { createPasswordHasher } = await import('./password.ts');
    await checkCredentials(users, createPasswordHasher({ iterations: 2_000 }), 'carol', PASSWORD);
    expect(await users.getPasswordHash(carol.id)).toBe(before);
    expect(passwords.needsRehash(before!)).toBe(false);
  });
});
