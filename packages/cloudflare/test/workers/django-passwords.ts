/**
 * A Worker that logs in a user imported from Django with a 1,000,000-iteration PBKDF2
 * hash, a count production Workers' Web Crypto refuses (the local workerd does not, so the
 * hasher's fixed `webCryptoMaxIterations` rule is what makes this test mean something):
 * `GET /me` with Basic credentials answers `{ user, hash }`, the stored hash afterwards.
 */
import { basicAuth, createLatchkey, createPasswordHasher, MemoryUserStore } from '@latchkey/core';

/** Made by Django's PBKDF2PasswordHasher with iterations = 1_000_000, password "django password". */
const DJANGO_HASH = 'pbkdf2_sha256$1000000$seasaltseasalt12$nMQwDTpzE0f0yKdE3ZZghPuCLb+clCJy+7gN7pwDBrs=';

const users = new MemoryUserStore();
const created = users.createUser({ username: 'django', passwordHash: DJANGO_HASH });
// The first login of an imported user can pass the default 5 s limit on a busy machine.
const api = createLatchkey({ authenticators: [basicAuth({ users, passwords: createPasswordHasher() })], timeout: 30_000 });

export default {
  async fetch(request: Request): Promise<Response> {
    const user = (await created)!;
    const me = api.protect(async () => Response.json({ user: user.username, hash: await users.getPasswordHash(user.id) }));
    return me(request);
  },
};
