import { describe, expect, it } from 'vitest';
import { basicAuth, decodeBasicCredentials } from './basic-auth.ts';
import { createPasswordHasher } from '../users/password.ts';
import { basic, PASSWORD, request, world } from '../test-support.ts';

const latin1Base64 = (text: string) => btoa(text); // btoa encodes each char as one latin-1 byte
const utf8Base64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));

describe('BasicAuthentication', () => {
  async function setup() {
    const w = await world();
    return { ...w, auth: basicAuth({ users: w.users, passwords: w.passwords }) };
  }

  it('skips without a Basic header', async () => {
    const { auth } = await setup();
    expect(await auth.authenticate(request({ Authorization: 'Token x' }), {})).toEqual({ outcome: 'skip' });
  });

  it('authenticates a username and password, with no token record', async () => {
    const { auth } = await setup();
    const result = await auth.authenticate(request({ Authorization: basic('alice', PASSWORD) }), {});
    expect(result.outcome === 'success' && [result.user.username, result.auth]).toEqual(['alice', null]);
  });

  it.each([
    ['Basic', 'Invalid basic header. No credentials provided.'],
    ['Basic a b', 'Invalid basic header. Credentials string should not contain spaces.'],
    // Python's b64decode, as DRF calls it: wrong padding is refused, stray characters are dropped.
    ['Basic abc', 'Invalid basic header. Credentials not correctly base64 encoded.'],
    [`Basic ${btoa('alice:x').replace(/=+$/, '')}`, 'Invalid basic header. Credentials not correctly base64 encoded.'],
    ['Basic ***', 'Invalid username/password.'],
    [basic('alice', 'wrong'), 'Invalid username/password.'],
    [basic('mallory', PASSWORD), 'Invalid username/password.'],
    [basic('carol', PASSWORD), 'Invalid username/password.'],
    [`Basic ${btoa('alice')}`, 'Invalid username/password.'],
    [basic('alice', `${PASSWORD}\0`), 'Invalid username/password.'],
  ])('fails "%s" with "%s"', async (header, detail) => {
    const { auth } = await setup();
    const result = await auth.authenticate(request({ Authorization: header }), {});
    expect(result.outcome === 'fail' && result.error.detail).toBe(detail);
  });

  it('logs in with characters outside the base64 alphabet among the credentials, as DRF does', async () => {
    const { auth } = await setup();
    const encoded = btoa(`alice:${PASSWORD}`);
    const result = await auth.authenticate(request({ Authorization: `Basic ${encoded.slice(0, 4)}*${encoded.slice(4)}` }), {});
    expect(result.outcome).toBe('success');
  });

  it('decodes UTF-8 credentials, falling back to latin-1', () => {
    expect(decodeBasicCredentials(utf8Base64('jürgen:pässwörd'))).toEqual({ username: 'jürgen', password: 'pässwörd' });
    expect(decodeBasicCredentials(latin1Base64('j\u00fcrgen:p\u00e4ss'))).toEqual({ username: 'jürgen', password: 'päss' });
    expect(decodeBasicCredentials(btoa('user:pa:ss'))).toEqual({ username: 'user', password: 'pa:ss' });
  });

  it('logs in a user whose password is in latin-1', async () => {
    const { auth, users, passwords } = await setup();
    await users.createUser({ username: 'jürgen', passwordHash: await passwords.hash('pässwörd') });
    const result = await auth.authenticate(request({ Authorization: `Basic ${latin1Base64('j\u00fcrgen:p\u00e4ssw\u00f6rd')}` }), {});
    expect(result.outcome).toBe('success');
  });

  it('upgrades a hash made with older parameters on a successful login', async () => {
    const { users, alice } = await setup();
    const stronger = createPasswordHasher({ iterations: 2_000 });
    const auth = basicAuth({ users, passwords: stronger });
    const before = await users.getPasswordHash(alice.id);
    expect(before).toMatch(/\$1000\$/);
    await auth.authenticate(request({ Authorization: basic('alice', PASSWORD) }), {});
    const after = await users.getPasswordHash(alice.id);
    expect(after).toMatch(/\$2000\$/);
    expect(await stronger.verify(PASSWORD, after)).toBe(true);
  });

  it("challenges with Basic and the realm, RFC 7617's way", async () => {
    const { users } = await world();
    expect(basicAuth({ users }).challenge?.()).toBe('Basic realm="api"');
    expect(basicAuth({ users, realm: 'staff' }).challenge?.()).toBe('Basic realm="staff"');
  });
});
