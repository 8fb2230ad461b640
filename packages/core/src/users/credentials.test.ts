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

  it('refuses a password with NUL characters, which PBKDF2 would take for the password without them', async () => {
    const { users, passwords } = await world();
    expect(await passwords.verify(`${PASSWORD}\0`, await users.getPasswordHash('1'))).toBe(true);
    for (const password of [`${PASSWORD}\0`, `${PASSWORD}\0\0`, `\0${PASSWORD}`]) {
      expect(await checkCredentials(users, passwords, 'alice', password)).toEqual({ ok: false, reason: 'wrong-password' });
    }
  });

  it('looks the username up NFKC-normalised, as it was registered', async () => {
    const { users, passwords } = await world();
    for (const spelling of ['ａｌｉｃｅ', '𝐚lice', 'ａlice']) {
      const checked = await checkCredentials(users, passwords, spelling, PASSWORD);
      expect(checked.ok && checked.user.username).toBe('alice');
    }
    expect(await checkCredentials(users, passwords, '\u0430lice', PASSWORD)).toEqual({ ok: false, reason: 'unknown-user' });
  });
});
