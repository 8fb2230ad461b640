import { describe, expect, it } from 'vitest';
import { world, request } from '../test-support.ts';
import { tokenAuth, tokenChallenge } from './token-auth.ts';

describe('TokenAuthentication', () => {
  async function setup(keyword?: string) {
    const w = await world();
    return { ...w, auth: tokenAuth({ tokens: w.tokens, users: w.users, keyword }) };
  }

  it('skips when there is no Authorization header, or another keyword', async () => {
    const { auth } = await setup();
    expect(await auth.authenticate(request(), {})).toEqual({ outcome: 'skip' });
    expect(await auth.authenticate(request({ Authorization: 'Bearer abc' }), {})).toEqual({ outcome: 'skip' });
    expect(await auth.authenticate(request({ Authorization: 'Tokens abc' }), {})).toEqual({ outcome: 'skip' });
  });

  it('succeeds with the user and the token record as auth', async () => {
    const { auth, tokenFor, alice } = await setup();
    const result = await auth.authenticate(request({ Authorization: `Token ${await tokenFor(alice.id, ['read'])}` }), {});
    expect(result.outcome).toBe('success');
    if (result.outcome !== 'success') return;
    expect(result.user.username).toBe('alice');
    expect(result.auth?.scopes).toEqual(['read']);
  });

  it('matches the keyword case-insensitively and takes any run of whitespace', async () => {
    const { auth, tokenFor, alice } = await setup();
    const token = await tokenFor(alice.id);
    for (const header of [`token ${token}`, `TOKEN\t${token}`, `Token    ${token}`]) {
      expect((await auth.authenticate(request({ Authorization: header }), {})).outcome, header).toBe('success');
    }
  });

  it.each([
    ['Token', 'Invalid token header. No credentials provided.'],
    ['Token   ', 'Invalid token header. No credentials provided.'],
    ['Token abc def', 'Invalid token header. Token string should not contain spaces.'],
    ['Token abc\u00e9', 'Invalid token header. Token string should not contain invalid characters.'],
    ['Token abc', 'Invalid token.'],
    // UTF-8 text is a token like any other (DRF decodes the header's bytes as UTF-8).
    [`Token ${String.fromCharCode(...new TextEncoder().encode('ключ'))}`, 'Invalid token.'],
    ['Token a\u0001b', 'Invalid token.'],
  ])('fails "%s" with "%s"', async (header, detail) => {
    const { auth } = await setup();
    const result = await auth.authenticate(request({ Authorization: header }), {});
    expect(result.outcome === 'fail' && result.error.detail).toBe(detail);
  });

  it('fails an inactive or deleted user with "User inactive or deleted."', async () => {
    const { auth, tokenFor, carol, alice, users } = await setup();
    const inactive = await auth.authenticate(request({ Authorization: `Token ${await tokenFor(carol.id)}` }), {});
    expect(inactive.outcome === 'fail' && inactive.error.detail).toBe('User inactive or deleted.');
    const token = await tokenFor(alice.id);
    await users.deleteUser(alice.id);
    const deleted = await auth.authenticate(request({ Authorization: `Token ${token}` }), {});
    expect(deleted.outcome === 'fail' && deleted.error.detail).toBe('User inactive or deleted.');
  });

  it('answers with the keyword as challenge, and RFC 6750 attributes for Bearer', async () => {
    expect((await setup()).auth.challenge?.()).toBe('Token');
    expect((await setup('Bearer')).auth.challenge?.()).toBe('Bearer realm="api"');
    expect(tokenChallenge('Bearer', 'api', { error: 'insufficient_scope', scope: 'a b' })).toBe(
      'Bearer realm="api", error="insufficient_scope", scope="a b"',
    );
  });

  it('refuses a multi-word keyword or a quoted realm at construction', async () => {
    const { tokens, users } = await world();
    expect(() => tokenAuth({ tokens, users, keyword: 'Two words' })).toThrow(RangeError);
    expect(() => tokenAuth({ tokens, users, realm: 'a"b' })).toThrow(RangeError);
  });

  describe('legacyKeys: Django REST framework keys imported as they are', () => {
    const KEY = '9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b';

    it('accepts an imported 40-hex key only when turned on, and stores it only as a digest', async () => {
      const { tokens, users, store, alice } = await world();
      const imported = await tokens.importKey(alice.id, KEY, { createdAt: 1_500_000_000_000, name: 'drf' });
      expect(imported.ok && [imported.record.createdAt, imported.record.name]).toEqual([1_500_000_000_000, 'drf']);
      expect(JSON.stringify(await store.listForUser(alice.id))).not.toContain(KEY);
      const header = request({ Authorization: `Token ${KEY}` });
      const on = await tokenAuth({ tokens, users, legacyKeys: true }).authenticate(header, {});
      expect(on.outcome === 'success' && on.user.username).toBe('alice');
      const off = await tokenAuth({ tokens, users }).authenticate(header, {});
      expect(off.outcome === 'fail' && off.error.detail).toBe('Invalid token.');
    });

    it('imports a key once: a second import finds it stored', async () => {
      const { tokens, alice } = await world();
      expect((await tokens.importKey(alice.id, KEY)).ok).toBe(true);
      expect(await tokens.importKey(alice.id, KEY)).toEqual({ ok: false, reason: 'exists' });
      expect(await tokens.list(alice.id)).toHaveLength(1);
    });

    it('answers "Invalid token." for an unknown key, and refuses to import what is not a DRF key', async () => {
      const { tokens, users, alice } = await world();
      const result = await tokenAuth({ tokens, users, legacyKeys: true }).authenticate(request({ Authorization: `Token ${KEY}` }), {});
      expect(result.outcome === 'fail' && result.error.detail).toBe('Invalid token.');
      await expect(tokens.importKey(alice.id, KEY.toUpperCase())).rejects.toThrow(RangeError);
    });
  });
});
