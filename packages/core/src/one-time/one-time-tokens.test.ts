import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it, vi } from 'vitest';
import { webCryptoRandomBytes } from '../random.ts';
import { generateToken } from '../tokens/token.ts';
import { MemoryOneTimeStore } from './memory-one-time-store.ts';
import { createOneTimeTokens, ONE_TIME_TOKEN_PREFIX, type OneTimeTokensOptions } from './one-time-tokens.ts';

function service(options: Partial<OneTimeTokensOptions> = {}) {
  let clock = 1_750_000_000_000;
  const store = new MemoryOneTimeStore();
  const tokens = createOneTimeTokens({ store, now: () => clock, ...options });
  return { store, tokens, advance: (ms: number) => (clock += ms) };
}

describe('one-time tokens', () => {
  it('are lko_, a hex id and a checksummed secret; the store keeps only a digest', async () => {
    const { store, tokens } = service();
    const { token, record } = await tokens.issue('1', 'password-reset');
    expect(token).toMatch(/^lko_[0-9a-f]{24}[A-Za-z0-9_-]{49}$/);
    expect(token.slice(ONE_TIME_TOKEN_PREFIX.length, ONE_TIME_TOKEN_PREFIX.length + 24)).toBe(record.id);
    const stored = await store.find(record.id);
    expect(JSON.stringify(stored)).not.toContain(token.slice(28));
    expect(stored?.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.digest).not.toBe(bytesToHex(sha256(utf8ToBytes(token))));
  });

  it('draw their id and secret from the random source', async () => {
    const randomBytes = vi.fn((length: number) => new Uint8Array(length).fill(7));
    const { tokens } = service({ randomBytes });
    await tokens.issue('1', 'activation');
    expect(randomBytes.mock.calls.map(([length]) => length)).toEqual([12, 32]);
  });

  it('redeem once: the second redemption is refused as used or unknown', async () => {
    const { tokens } = service();
    const { token } = await tokens.issue('1', 'password-reset');
    expect((await tokens.redeem(token, 'password-reset')).ok).toBe(true);
    expect(await tokens.redeem(token, 'password-reset')).toEqual({ ok: false, reason: 'unknown' });
  });

  it('of two concurrent redemptions exactly one wins', async () => {
    const { tokens } = service();
    const { token } = await tokens.issue('1', 'password-reset');
    const results = await Promise.all([tokens.redeem(token, 'password-reset'), tokens.redeem(token, 'password-reset')]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.find((result) => !result.ok)).toEqual({ ok: false, reason: 'used' });
  });

  it('redeem only for their own purpose, and a refused purpose leaves the token working', async () => {
    const { tokens } = service();
    const { token } = await tokens.issue('1', 'password-reset');
    expect(await tokens.redeem(token, 'activation')).toEqual({ ok: false, reason: 'unknown' });
    expect((await tokens.redeem(token, 'password-reset')).ok).toBe(true);
  });

  it('expire after their ttl (one hour by default), to the millisecond', async () => {
    const { tokens, advance } = service();
    const first = await tokens.issue('1', 'password-reset');
    const second = await tokens.issue('1', 'password-reset');
    advance(3_600_000 - 1);
    expect((await tokens.redeem(first.token, 'password-reset')).ok).toBe(true);
    advance(1);
    expect(await tokens.redeem(second.token, 'password-reset')).toEqual({ ok: false, reason: 'expired' });
  });

  it('die after maxAttempts wrong secrets for their id, even when the right one comes next', async () => {
    const { tokens, store } = service({ maxAttempts: 3 });
    const { token, record } = await tokens.issue('1', 'password-reset');
    // Well-formed tokens with the same id and other secrets: what a guesser would send.
    const wrong = () => tokens.redeem(generateToken(ONE_TIME_TOKEN_PREFIX + record.id, webCryptoRandomBytes), 'password-reset');
    for (let i = 0; i < 3; i++) expect(await wrong()).toEqual({ ok: false, reason: 'invalid' });
    expect((await store.find(record.id))?.attempts).toBe(3);
    expect(await tokens.redeem(token, 'password-reset')).toEqual({ ok: false, reason: 'exhausted' });
  });

  it('refuse typos and garbage without a store call', async () => {
    const { tokens, store } = service();
    const { token } = await tokens.issue('1', 'password-reset');
    const find = vi.spyOn(store, 'find');
    const typo = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    for (const bad of [typo, '', 'lko_', 'lk_abc', token.toUpperCase(), `${token}x`]) {
      expect(await tokens.redeem(bad, 'password-reset')).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(find).not.toHaveBeenCalled();
  });

  it('are bound to the state they were issued for: a changed binding refuses them', async () => {
    const { tokens } = service();
    let hash = 'pbkdf2_sha256$1$salt$old';
    const { token } = await tokens.issue('1', 'password-reset', { binding: hash });
    hash = 'pbkdf2_sha256$1$salt$new';
    expect(await tokens.redeem(token, 'password-reset', () => hash)).toEqual({ ok: false, reason: 'invalid' });
    hash = 'pbkdf2_sha256$1$salt$old';
    expect((await tokens.redeem(token, 'password-reset', () => hash)).ok).toBe(true);
  });

  it('refuse when the binding says the user is gone', async () => {
    const { tokens } = service();
    const { token } = await tokens.issue('1', 'password-reset', { binding: 'h' });
    expect(await tokens.redeem(token, 'password-reset', () => null)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('check verifies without using the token up', async () => {
    const { tokens } = service();
    const { token } = await tokens.issue('1', 'email-change', { data: 'new@example.org' });
    const checked = await tokens.check(token, 'email-change');
    expect(checked.ok && checked.record.data).toBe('new@example.org');
    expect((await tokens.redeem(token, 'email-change')).ok).toBe(true);
  });

  it('a server secret keys the digest: a store copied to a service without it redeems nothing', async () => {
    const secret = 's'.repeat(32);
    const store = new MemoryOneTimeStore();
    const keyed = createOneTimeTokens({ store, secret });
    const { token } = await keyed.issue('1', 'password-reset');
    expect(await createOneTimeTokens({ store }).redeem(token, 'password-reset')).toEqual({ ok: false, reason: 'invalid' });
    expect((await keyed.redeem(token, 'password-reset')).ok).toBe(true);
  });

  it('revokeForUser revokes one purpose or all of a user', async () => {
    const { tokens } = service();
    const reset = await tokens.issue('1', 'password-reset');
    const change = await tokens.issue('1', 'email-change');
    const other = await tokens.issue('2', 'password-reset');
    expect(await tokens.revokeForUser('1', 'password-reset')).toBe(1);
    expect((await tokens.redeem(reset.token, 'password-reset')).ok).toBe(false);
    expect(await tokens.revokeForUser('1')).toBe(1);
    expect((await tokens.redeem(change.token, 'email-change')).ok).toBe(false);
    expect((await tokens.redeem(other.token, 'password-reset')).ok).toBe(true);
  });

  it('refuse contradictory options and purposes at once', () => {
    const store = new MemoryOneTimeStore();
    expect(() => createOneTimeTokens({ store, ttl: 0 })).toThrow(RangeError);
    expect(() => createOneTimeTokens({ store, maxAttempts: 1.5 })).toThrow(RangeError);
    expect(() => createOneTimeTokens({ store, secret: 'short' })).toThrow(RangeError);
    expect(() => createOneTimeTokens({} as OneTimeTokensOptions)).toThrow(TypeError);
    return expect(createOneTimeTokens({ store }).issue('1', 'Password Reset')).rejects.toThrow(RangeError);
  });
});
