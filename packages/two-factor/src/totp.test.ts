// TOTP itself: RFC 6238's test vectors, codes from an independent implementation (the
// `otpauth` package) accepted at the right steps and refused outside the window and on
// replay, backup codes once each, the per-user limit, and seeds sealed at rest.
import { createSecretBox, Throttled } from '@latchkey/core';
import { decodeBase64 } from '@oslojs/encoding';
import * as OTPAuth from 'otpauth';
import { describe, expect, it, vi } from 'vitest';
import { MemoryTotpStore } from './memory-totp-store.ts';
import { totpStoreConformance } from './totp-store-conformance.ts';
import { createTotp, type TotpOptions } from './totp.ts';
import { SERVER_KEY } from './test-fixture.ts';

const RFC_SEED = new TextEncoder().encode('12345678901234567890');
// RFC 6238 appendix B, SHA-1, 8 digits: seconds since the epoch and the code.
const RFC_VECTORS: Array<[number, string]> = [
  [59, '94287082'],
  [1_111_111_109, '07081804'],
  [1_111_111_111, '14050471'],
  [1_234_567_890, '89005924'],
  [2_000_000_000, '69279037'],
  [20_000_000_000, '65353130'],
];

function service(overrides: Partial<TotpOptions> = {}) {
  let clock = 1_750_000_000_000;
  const store = new MemoryTotpStore();
  const totp = createTotp({
    store,
    secrets: createSecretBox(SERVER_KEY, { purpose: 'latchkey-totp' }),
    issuer: 'Example',
    now: () => clock,
    ...overrides,
  });
  return { totp, store, at: (ms: number) => (clock = ms), now: () => clock };
}

/** An oracle over the secret enrolment showed, from another library. */
function oracle(secret: string, digits = 6) {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits, period: 30, algorithm: 'SHA1' });
}

async function enrolled(overrides: Partial<TotpOptions> = {}) {
  const setup = service(overrides);
  const enrolment = (await setup.totp.enrol('u1', 'alice@example.org'))!;
  const other = oracle(enrolment.secret, overrides.digits);
  const backup = await setup.totp.confirm('u1', other.generate({ timestamp: setup.now() }));
  if (!Array.isArray(backup)) throw new Error('confirm failed');
  return { ...setup, enrolment, other, backup };
}

describe('TOTP codes (RFC 6238)', () => {
  it("matches RFC 6238's SHA-1 test vectors", async () => {
    // The RFC's seed comes in through the random source; each vector is a fresh enrolment.
    for (const [seconds, code] of RFC_VECTORS) {
      const { totp, at } = service({ digits: 8, randomBytes: (length) => (length === 20 ? RFC_SEED.slice() : crypto.getRandomValues(new Uint8Array(length))) });
      at(seconds * 1000);
      await totp.enrol('u1', 'rfc');
      expect(await totp.confirm('u1', code), `at ${seconds}`).toHaveLength(10);
    }
  });

  it('refuses the vector of another step', async () => {
    const { totp, at } = service({ digits: 8, randomBytes: (length) => (length === 20 ? RFC_SEED.slice() : new Uint8Array(length)) });
    at(1_234_567_890_000);
    await totp.enrol('u1', 'rfc');
    expect(await totp.confirm('u1', '07081804')).toBeNull();
  });

  it('accepts codes from an independent implementation for the current step and one either side', async () => {
    const { totp, other, at, now } = await enrolled();
    for (const drift of [-30_000, 0, 30_000]) {
      at(now() + 90_000);
      // The other library's code for a moment `drift` away from the server's clock.
      expect(await totp.verify('u1', other.generate({ timestamp: now() + drift })), `drift ${drift}`).toBe(true);
    }
  });

  it('refuses codes two steps or more away', async () => {
    const { totp, other, at, now } = await enrolled();
    at(now() + 300_000);
    for (const drift of [-90_000, -60_000, 60_000, 90_000]) {
      expect(await totp.verify('u1', other.generate({ timestamp: now() + drift })), `drift ${drift}`).toBe(false);
    }
  });

  it('accepts a code once: a replay in the same step, or of an earlier step, is refused', async () => {
    const { totp, other, at, now } = await enrolled();
    at(now() + 60_000);
    const code = other.generate({ timestamp: now() });
    expect(await totp.verify('u1', code)).toBe(true);
    expect(await totp.verify('u1', code)).toBe(false);
    // The previous step's code is inside the window, but before the step just used.
    expect(await totp.verify('u1', other.generate({ timestamp: now() - 30_000 }))).toBe(false);
    at(now() + 30_000);
    expect(await totp.verify('u1', other.generate({ timestamp: now() }))).toBe(true);
  });

  it('lets one of concurrent verifies with the same code through', async () => {
    const { totp, other, at, now } = await enrolled();
    at(now() + 60_000);
    const code = other.generate({ timestamp: now() });
    const results = await Promise.all(Array.from({ length: 10 }, () => totp.verify('u1', code)));
    expect(results.filter((result) => result === true)).toHaveLength(1);
  });

  it('spends the confirming code: it does not log in afterwards', async () => {
    const { totp, other, now } = await enrolled();
    expect(await totp.verify('u1', other.generate({ timestamp: now() }))).toBe(false);
  });

  it('is required only once confirmed', async () => {
    const { totp } = service();
    await totp.enrol('u1', 'alice');
    expect(await totp.isRequired('u1')).toBe(false);
    expect(await totp.verify('u1', '000000')).toBe(false);
  });

  it('shows the seed as base32, an otpauth URI and an SVG QR code', async () => {
    const { enrolment } = await enrolled();
    expect(enrolment.secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(enrolment.otpauthUrl);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(enrolment.secret);
    expect(uri.searchParams.get('issuer')).toBe('Example');
    expect(uri.searchParams.get('period')).toBe('30');
    expect(OTPAuth.URI.parse(enrolment.otpauthUrl).secret.base32).toBe(enrolment.secret);
    expect(enrolment.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>$/);
  });

  it('refuses to enrol again while on, and restarts a pending enrolment with a new seed', async () => {
    const { totp } = await enrolled();
    expect(await totp.enrol('u1', 'alice')).toBeNull();
    const fresh = service();
    const first = await fresh.totp.enrol('u2', 'bob');
    const second = await fresh.totp.enrol('u2', 'bob');
    expect(second!.secret).not.toBe(first!.secret);
    expect(await fresh.totp.confirm('u2', oracle(first!.secret).generate({ timestamp: fresh.now() }))).toBeNull();
  });
});

describe('backup codes', () => {
  it('each works once, in any case and with or without its dashes', async () => {
    const { totp, backup } = await enrolled();
    expect(backup).toHaveLength(10);
    expect(new Set(backup).size).toBe(10);
    expect(backup[0]).toMatch(/^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$/);
    expect(await totp.verify('u1', backup[0]!.toUpperCase())).toBe(true);
    expect(await totp.verify('u1', backup[0]!)).toBe(false);
    expect(await totp.verify('u1', backup[1]!.replaceAll('-', ''))).toBe(true);
    expect(await totp.verify('u1', backup[1]!)).toBe(false);
  });

  it("are one user's only and kept as digests", async () => {
    const { totp, store, backup } = await enrolled();
    expect(await totp.verify('u2', backup[2]!)).toBe(false);
    expect(await store.countBackupCodes('u1')).toBe(10);
  });
});

describe('limits and sealing', () => {
  it('counts a burst of concurrent guesses: no more than the limit are checked', async () => {
    // The confirming code was the first of the minute's five attempts.
    const { totp, store } = await enrolled({ rate: '5/minute' });
    const checks = vi.spyOn(store, 'useBackupCode');
    const results = await Promise.all(Array.from({ length: 50 }, () => totp.verify('u1', 'aaaa-bbbb-cccc-dddd')));
    expect(results.filter((result) => result instanceof Throttled)).toHaveLength(46);
    expect(checks).toHaveBeenCalledTimes(4);
  });

  it('throttles wrong codes per user, before any check', async () => {
    // The confirming code was the first of the minute's four attempts.
    const { totp, other, now } = await enrolled({ rate: '4/minute' });
    for (let attempt = 0; attempt < 3; attempt++) expect(await totp.verify('u1', '000000')).toBe(false);
    const refused = await totp.verify('u1', other.generate({ timestamp: now() + 30_000 }));
    expect(refused).toBeInstanceOf(Throttled);
  });

  it('stores the seed sealed: not in the record, and no other server key or user opens it', async () => {
    const { store, enrolment } = await enrolled();
    const record = (await store.find('u1'))!;
    const seedHex = Buffer.from(OTPAuth.Secret.fromBase32(enrolment.secret).bytes).toString('hex');
    expect(JSON.stringify(record)).not.toContain(enrolment.secret);
    expect(Buffer.from(decodeBase64(record.sealedSeed)).toString('hex')).not.toContain(seedHex);
    const sealed = decodeBase64(record.sealedSeed) as Uint8Array<ArrayBuffer>;
    const box = createSecretBox(SERVER_KEY, { purpose: 'latchkey-totp' });
    expect(Buffer.from(await box.open(sealed, 'u1')).toString('hex')).toBe(seedHex);
    await expect(box.open(sealed, 'u2')).rejects.toThrow();
    await expect(createSecretBox(btoa('x'.repeat(32)), { purpose: 'latchkey-totp' }).open(sealed, 'u1')).rejects.toThrow();
    await expect(createSecretBox(SERVER_KEY).open(sealed, 'u1')).rejects.toThrow();
  });

  it('refuses contradictory options at construction', () => {
    const base = { store: new MemoryTotpStore(), secrets: createSecretBox(SERVER_KEY), issuer: 'x' };
    expect(() => createTotp({ ...base, digits: 5 })).toThrow(RangeError);
    expect(() => createTotp({ ...base, window: -1 })).toThrow(RangeError);
    expect(() => createTotp({ ...base, issuer: '' })).toThrow(TypeError);
  });
});

describe('MemoryTotpStore', () => {
  for (const c of totpStoreConformance(() => new MemoryTotpStore())) it(c.name, c.run);
});
