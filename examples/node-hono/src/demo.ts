/** The demo user and the curl walk-through printed at start. */
import type { AuthUser, PasswordHasher, UserStore } from '@latchkey/core';

/** The demo login. Well known on purpose: the server listens on loopback only by default. */
export const DEMO_USERNAME = 'demo';
export const DEMO_PASSWORD = 'correct-horse-battery-staple';
/** The demo user's address, where the console mailer "sends" their password reset link. */
export const DEMO_EMAIL = 'demo@example.org';

/** Creates the demo user unless it exists; true when it was created now. */
export async function ensureDemoUser<U extends AuthUser>(users: UserStore<U>, passwords: PasswordHasher): Promise<boolean> {
  // Looked up first, so a restart costs no password hash.
  if (await users.findByUsername(DEMO_USERNAME)) return false;
  const passwordHash = await passwords.hash(DEMO_PASSWORD);
  return (await users.createUser({ username: DEMO_USERNAME, passwordHash, email: DEMO_EMAIL })) !== null;
}

/** The walk-through: obtain a token (or a JWT pair), use it, see the 401 without it. */
export function walkThrough(origin: string): string {
  const credentials = JSON.stringify({ username: DEMO_USERNAME, password: DEMO_PASSWORD });
  return [
    `Demo user: ${DEMO_USERNAME} / ${DEMO_PASSWORD}`,
    '',
    '  # 1. Get a token (copy "token" from the answer; it is shown only once)',
    `  curl -s -X POST ${origin}/auth/token -H 'Content-Type: application/json' -d '${credentials}'`,
    '  # 2. Call a protected route with it',
    `  curl -s ${origin}/api/me -H 'Authorization: Token <token>'`,
    '  # JWT: a pair {"refresh", "access"}, then the access token as Bearer (README: refresh, verify, blacklist)',
    `  curl -s -X POST ${origin}/auth/jwt/create -H 'Content-Type: application/json' -d '${credentials}'`,
    `  curl -s ${origin}/api/me -H 'Authorization: Bearer <access>'`,
    '  # 3. Without it: 401 and a WWW-Authenticate challenge',
    `  curl -si ${origin}/api/me`,
    '',
    'Accounts (registration with activation, password change and reset): see examples/node-hono/README.md.',
    'Mails are printed here.',
  ].join('\n');
}
