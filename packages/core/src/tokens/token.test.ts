import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seededRandomBytes } from '../testing/host-fixture.ts';
import { assertTokenPrefix, crc32, digestToken, generateToken, isWellFormedToken, TOKEN_SECRET_BYTES } from './token.ts';

describe('token format', () => {
  const random = seededRandomBytes('format');

  it('carries 32 random bytes behind a readable prefix and before a checksum', () => {
    let requested = 0;
    const token = generateToken('lk_', (n) => {
      requested = n;
      return random(n);
    });
    expect(requested).toBe(TOKEN_SECRET_BYTES);
    expect(TOKEN_SECRET_BYTES).toBeGreaterThanOrEqual(32);
    expect(token).toMatch(/^lk_[A-Za-z0-9_-]{49}$/);
  });

  it('accepts what it generated, with an empty prefix too', () => {
    expect(isWellFormedToken(generateToken('lk_', random), 'lk_')).toBe(true);
    expect(isWellFormedToken(generateToken('', random), '')).toBe(true);
  });

  it('rejects any single changed character through the checksum', () => {
    const token = generateToken('lk_', random);
    for (let i = 3; i < token.length; i++) {
      const changed = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
      expect(isWellFormedToken(changed, 'lk_'), `position ${i}`).toBe(false);
    }
  });

  it('rejects another prefix, a wrong length and characters outside base64url', () => {
    const token = generateToken('lk_', random);
    expect(isWellFormedToken(token, 'xx_')).toBe(false);
    expect(isWellFormedToken(token.slice(0, -1), 'lk_')).toBe(false);
    expect(isWellFormedToken(`${token}A`, 'lk_')).toBe(false);
    expect(isWellFormedToken(`${token.slice(0, -2)}+/`, 'lk_')).toBe(false);
    expect(isWellFormedToken('', 'lk_')).toBe(false);
  });

  it('checksums with CRC-32 (IEEE), as GitHub tokens do', () => {
    // The standard check value: CRC-32 of "123456789".
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('')).toBe(0);
    const token = generateToken('lk_', random);
    const crc = crc32(token, token.length - 6);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const digits = [...token.slice(-6)].map((c) => alphabet.indexOf(c));
    expect(digits.reduce((value, digit) => value * 64 + digit, 0)).toBe(crc);
  });

  it('refuses characters beyond ASCII and a checksum off by one digit', () => {
    const token = generateToken('lk_', random);
    expect(isWellFormedToken(`${token.slice(0, 10)}\u00e9${token.slice(11)}`, 'lk_')).toBe(false);
    expect(isWellFormedToken(`${token.slice(0, 10)}\u0141${token.slice(11)}`, 'lk_')).toBe(false);
    const last = token.at(-1)!;
    expect(isWellFormedToken(token.slice(0, -1) + (last === '_' ? '-' : '_'), 'lk_')).toBe(false);
  });

  it('refuses prefixes that would make tokens ambiguous or unsafe in a header', () => {
    expect(() => assertTokenPrefix('has space')).toThrow(RangeError);
    expect(() => assertTokenPrefix('a'.repeat(17))).toThrow(RangeError);
    expect(() => assertTokenPrefix('ok_123')).not.toThrow();
  });
});

describe('token digest', () => {
  it('is lowercase hex SHA-256 of the whole token without a secret', () => {
    // SHA-256("abc"), from FIPS 180-2.
    expect(digestToken('abc', null)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it("agrees with node:crypto call after call, for every length, ASCII or not (one hasher and one hex buffer reused)", () => {
    const key = new Uint8Array(32).fill(7);
    for (let length = 0; length < 200; length++) {
      const token = 'lk_'.repeat(length % 5) + 'x'.repeat(length) + (length % 7 === 0 ? 'é' : '');
      expect(digestToken(token, null)).toBe(createHash('sha256').update(token).digest('hex'));
      expect(digestToken(token, key)).toBe(createHmac('sha256', key).update(token).digest('hex'));
    }
  });

  it('is HMAC-SHA256 under the secret when one is configured', () => {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    expect(digestToken('what do ya want for nothing?', new TextEncoder().encode('Jefe'))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});
