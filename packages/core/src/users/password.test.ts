import { describe, expect, it, vi } from 'vitest';
import { createPasswordHasher } from './password.ts';

// Made by Python's hashlib.pbkdf2_hmac, exactly as Django's PBKDF2PasswordHasher does.
const DJANGO_HASH = 'pbkdf2_sha256$1000$DjangoSalt1234567890ab$nNDnBNbbTHdCJ1RFm4n7k/zZbDNP0N8p/NBbLogPduA=';
const DJANGO_UNICODE_HASH = 'pbkdf2_sha256$1000$DjangoSalt1234567890ab$iO9/hFvLCZC+WssknxPiqEM1W52+ceVHP6GedK6qjWQ=';

// Django's PBKDF2PasswordHasher with iterations = 1_000_000 (Django 5.2's default), password "django password".
const DJANGO_1M_HASH = 'pbkdf2_sha256$1000000$seasaltseasalt12$nMQwDTpzE0f0yKdE3ZZghPuCLb+clCJy+7gN7pwDBrs=';

describe('hashes from a current Django, above what Workers\' Web Crypto computes', () => {
  // A million iterations in JavaScript: 1-3 s on a quiet machine, more on a busy one.
  const SLOW = { timeout: 60_000 };

  it('verifies a 1,000,000-iteration hash in JavaScript above webCryptoMaxIterations (the default on Workers), never asking Web Crypto', SLOW, async () => {
    const deriveBits = vi.spyOn(crypto.subtle, 'deriveBits');
    try {
      const hasher = createPasswordHasher({ webCryptoMaxIterations: 100_000 });
      expect(await hasher.verify('django password', DJANGO_1M_HASH)).toBe(true);
      expect(deriveBits).not.toHaveBeenCalled();
      expect(hasher.needsRehash(DJANGO_1M_HASH)).toBe(true);
    } finally {
      deriveBits.mockRestore();
    }
  });

  it('keeps it on Web Crypto by default off Workers (Node here)', SLOW, async () => {
    const deriveBits = vi.spyOn(crypto.subtle, 'deriveBits');
    try {
      const hasher = createPasswordHasher();
      expect(await hasher.verify('django passwore', DJANGO_1M_HASH)).toBe(false);
      expect(deriveBits).toHaveBeenCalledTimes(1);
    } finally {
      deriveBits.mockRestore();
    }
  });

  it('refuses a webCryptoMaxIterations that is not a positive integer or Infinity', () => {
    for (const bad of [0, 1.5, Number.NaN]) expect(() => createPasswordHasher({ webCryptoMaxIterations: bad })).toThrow(RangeError);
  });
});

describe('password hashing', () => {
  const hasher = createPasswordHasher({ iterations: 1_000 });

  it("writes Django's self-describing format with a fresh salt each time", async () => {
    const a = await hasher.hash('secret');
    const b = await hasher.hash('secret');
    expect(a).toMatch(/^pbkdf2_sha256\$1000\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9+/]{43}=$/);
    expect(a).not.toBe(b);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hasher.hash('correct horse');
    expect(await hasher.verify('correct horse', hash)).toBe(true);
    expect(await hasher.verify('correct hors', hash)).toBe(false);
    expect(await hasher.verify('', hash)).toBe(false);
  });

  it('verifies hashes made by Django, replaying their stored parameters', async () => {
    const other = createPasswordHasher({ iterations: 100_000 });
    expect(await other.verify('correct horse', DJANGO_HASH)).toBe(true);
    expect(await other.verify('pässwörd', DJANGO_UNICODE_HASH)).toBe(true);
    expect(await other.verify('wrong', DJANGO_HASH)).toBe(false);
  });

  it('asks for a rehash when the stored parameters are not today’s', async () => {
    expect(hasher.needsRehash(await hasher.hash('x'))).toBe(false);
    expect(createPasswordHasher().needsRehash(DJANGO_HASH)).toBe(true);
    expect(hasher.needsRehash('md5$abc$def')).toBe(true);
  });

  it('defaults to 100,000 iterations, the most Cloudflare Workers allows', async () => {
    expect(await createPasswordHasher().hash('x')).toMatch(/^pbkdf2_sha256\$100000\$/);
  });

  it('refuses a stored hash asking for absurd work without doing it', async () => {
    // A billion iterations would take minutes: finishing at all shows no work was done.
    const absurd = DJANGO_HASH.replace('$1000$', '$1000000000$');
    expect(await createPasswordHasher().verify('correct horse', absurd)).toBe(false);
  });

  it.each([
    ['another algorithm', 'argon2$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA'],
    ['missing parts', 'pbkdf2_sha256$1000$salt'],
    ['zero iterations', DJANGO_HASH.replace('$1000$', '$0$')],
    ['non-numeric iterations', DJANGO_HASH.replace('$1000$', '$1e3$')],
    ['a truncated hash', DJANGO_HASH.slice(0, -4)],
    ['an empty string', ''],
  ])('treats %s as a non-match, never an error', async (_name, stored) => {
    expect(await hasher.verify('correct horse', stored)).toBe(false);
  });

  describe('a refusal costs one derivation at today\'s parameters, whatever is stored', () => {
    // Spies on the derivation itself: the PBKDF2 that Web Crypto runs, and its iterations.
    const derivedIterations = async (work: () => Promise<unknown>) => {
      const deriveBits = vi.spyOn(crypto.subtle, 'deriveBits');
      try {
        await work();
        return deriveBits.mock.calls.map(([params]) => (params as Pbkdf2Params).iterations);
      } finally {
        deriveBits.mockRestore();
      }
    };
    const today = createPasswordHasher({ iterations: 2_000, maxIterations: 10_000 });
    const withIterations = (count: number) => createPasswordHasher({ iterations: count }).hash('correct horse');

    it.each([
      ['no stored hash (an unknown user)', async () => null],
      ["Django's unusable hash", async () => '!Rv3mFJ4fSkB1yE8mVnq2zWXtHPdXKu8NqLy3Ejdq'],
      ['a malformed hash', async () => 'pbkdf2_sha256$2000$salt'],
      ['a hash asking for more than maxIterations', async () => DJANGO_HASH.replace('$1000$', '$1000000000$')],
      ['a hash at today\'s iterations, wrong password', () => withIterations(2_000)],
      ['a hash at fewer iterations, wrong password', () => withIterations(500)],
    ])('%s', async (_case, stored) => {
      const encoded = await stored();
      const iterations = await derivedIterations(() => today.verify('wrong guess', encoded));
      expect(iterations.reduce((sum, count) => sum + count, 0)).toBe(2_000);
    });

    it('a hash at more iterations than today\'s (an import) costs what it asks, no more', async () => {
      const encoded = await withIterations(5_000);
      expect(await derivedIterations(() => today.verify('wrong guess', encoded))).toEqual([5_000]);
    });

    it('a right password costs only its own hash', async () => {
      const encoded = await withIterations(500);
      expect(await derivedIterations(() => today.verify('correct horse', encoded))).toEqual([500]);
    });
  });

  it('refuses contradictory options at construction', () => {
    expect(() => createPasswordHasher({ iterations: 0 })).toThrow(RangeError);
    expect(() => createPasswordHasher({ iterations: 10, maxIterations: 5 })).toThrow(RangeError);
  });
});
