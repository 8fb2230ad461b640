// Login with TOTP on, end to end through `createAuthEndpoints`: every way in that proves a
// password or a mailbox (token endpoint, session login, Basic, emailed code, magic link)
// holds the login until the second factor passes; users without one keep DRF's single call.
import * as OTPAuth from 'otpauth';
import { describe, expect, it } from 'vitest';
import { PASSWORD, twoFactorFixture } from './test-fixture.ts';

type Interim = { second_factor_required: true; second_factor_token: string; expiry: string };

async function withTotp() {
  const fixture = await twoFactorFixture();
  const { post, login, advance, now } = fixture;
  const token = await login('alice');
  const enrol = await post('/auth/2fa/totp', undefined, token);
  expect(enrol.status).toBe(200);
  const enrolment = (await enrol.json()) as { secret: string; otpauth_url: string; qr_svg: string };
  const app = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(enrolment.secret), digits: 6, period: 30 });
  const confirmed = await post('/auth/2fa/totp/confirm', { code: app.generate({ timestamp: now() }) }, token);
  expect(confirmed.status).toBe(200);
  const { backup_codes: backupCodes } = (await confirmed.json()) as { backup_codes: string[] };
  /** The app's code for the next step, so every call gets a fresh, unused one. */
  const nextCode = () => {
    advance(30_000);
    return app.generate({ timestamp: now() });
  };
  return { ...fixture, token, enrolment, app, backupCodes, nextCode };
}

async function interim(response: Response): Promise<Interim> {
  expect(response.status).toBe(200);
  const body = (await response.json()) as Interim & { token?: string };
  expect(body.token).toBeUndefined();
  expect(body.second_factor_required).toBe(true);
  expect(body.second_factor_token).toMatch(/^lko_/);
  return body;
}

describe('login with a second factor', () => {
  it('keeps the single call for a user without one', async () => {
    const { post } = await withTotp();
    const response = await post('/auth/token', { username: 'bob', password: PASSWORD });
    expect(Object.keys(await response.json())).toEqual(['token', 'expiry', 'user']);
  });

  it('the token endpoint answers an interim token, and /2fa/verify with a code the real one', async () => {
    const { post, send, nextCode } = await withTotp();
    const held = await interim(await post('/auth/token', { username: 'alice', password: PASSWORD }));
    const verified = await post('/auth/2fa/verify', { token: held.second_factor_token, code: nextCode() });
    expect(verified.status).toBe(200);
    const body = (await verified.json()) as { token: string; user: { username: string } };
    expect(body.user.username).toBe('alice');
    expect((await send('GET', '/auth/me', { token: body.token })).status).toBe(200);
  });

  it('the interim token is no API token or session and works once', async () => {
    const { post, send, nextCode } = await withTotp();
    const held = await interim(await post('/auth/token', { username: 'alice', password: PASSWORD }));
    expect((await send('GET', '/auth/me', { token: held.second_factor_token })).status).toBe(401);
    expect((await send('GET', '/auth/me', { headers: { Cookie: `latchkey_session=${held.second_factor_token}` } })).status).toBe(401);
    expect((await post('/auth/2fa/verify', { token: held.second_factor_token, code: nextCode() })).status).toBe(200);
    const again = await post('/auth/2fa/verify', { token: held.second_factor_token, code: nextCode() });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ token: ['Invalid token for given user.'] });
  });

  it('refuses a wrong code, a replayed code and an expired interim token', async () => {
    const { post, nextCode, advance } = await withTotp();
    const held = await interim(await post('/auth/token', { username: 'alice', password: PASSWORD }));
    const wrong = await post('/auth/2fa/verify', { token: held.second_factor_token, code: '000000' });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ code: ['Invalid code.'] });
    const code = nextCode();
    expect((await post('/auth/2fa/verify', { token: held.second_factor_token, code })).status).toBe(200);
    const second = await interim(await post('/auth/token', { username: 'alice', password: PASSWORD }));
    expect(await (await post('/auth/2fa/verify', { token: second.second_factor_token, code })).json()).toEqual({ code: ['Invalid code.'] });
    advance(300_000);
    const late = await post('/auth/2fa/verify', { token: second.second_factor_token, code: nextCode() });
    expect(await late.json()).toEqual({ token: ['Invalid token for given user.'] });
  });

  it('lets one of two concurrent verifies of one interim token through', async () => {
    const { post, backupCodes } = await withTotp();
    const held = await interim(await post('/auth/token', { username: 'alice', password: PASSWORD }));
    const answers = await Promise.all([
      post('/auth/2fa/verify', { token: held.second_factor_token, code: backupCodes[0] }),
      post('/auth/2fa/verify', { token: held.second_factor_token, code: backupCodes[1] }),
    ]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400]);
  });

  it('accepts each backup code once in place of a TOTP code', async () => {
    const { post, backupCodes } = await withTotp();
    const first = await interim(await post('/auth/token', { username: 'alice', password: PASSWORD }));
    expect((await post('/auth/2fa/verify', { token: first.second_factor_token, code: backupCodes[3] })).status).toBe(200);
    const second = await interim(await post('/auth/token', { username: 'alice', password: PASSWORD }));
    expect((await post('/auth/2fa/verify', { token: second.second_factor_token, code: backupCodes[3] })).status).toBe(400);
  });

  it('throttles wrong codes per user across interim tokens', async () => {
    const { post, nextCode } = await withTotp();
    const code = nextCode();
    const first = await interim(await post('/auth/token', { username: 'alice', password: PASSWORD }));
    // The confirming code was the first of the minute's five attempts.
    for (let attempt = 0; attempt < 4; attempt++) {
      expect((await post('/auth/2fa/verify', { token: first.second_factor_token, code: '111111' })).status).toBe(400);
    }
    expect((await post('/auth/2fa/verify', { token: first.second_factor_token, code })).status).toBe(429);
    const held = await interim(await post('/auth/token', { username: 'alice', password: PASSWORD }));
    const refused = await post('/auth/2fa/verify', { token: held.second_factor_token, code });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toMatch(/^\d+$/);
  });

  it('the session login sets no cookie until the second factor passes, then the session cookies', async () => {
    const { post, nextCode } = await withTotp();
    const response = await post('/auth/session', { username: 'alice', password: PASSWORD });
    expect(response.headers.get('Set-Cookie')).toBeNull();
    const held = await interim(response);
    const verified = await post('/auth/2fa/verify', { token: held.second_factor_token, code: nextCode() });
    expect(verified.status).toBe(200);
    expect(verified.headers.getSetCookie().some((cookie) => cookie.startsWith('latchkey_session='))).toBe(true);
    expect(Object.keys(await verified.json()).sort()).toEqual(['csrf_token', 'expiry', 'user']);
  });

  it('Basic authentication refuses a user with a second factor, even with the right password, and says why', async () => {
    const { basic } = await withTotp();
    const refused = (await basic('alice', PASSWORD))!;
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/Two-factor authentication is on .* token endpoint/);
    expect(await basic('bob', PASSWORD)).toBeNull();
    expect(((await (await basic('alice', 'wrong'))!.json()) as { detail: string }).detail).toBe('Invalid username/password.');
  });

  it('an emailed code holds the login for the second factor too', async () => {
    const { post, mailsTo, nextCode } = await withTotp();
    expect((await post('/auth/code', { email: 'alice@example.org' })).status).toBe(202);
    const code = /login code is (\d{6})/.exec((await mailsTo('alice@example.org')).at(-1)!.text)![1];
    const held = await interim(await post('/auth/code/verify', { email: 'alice@example.org', code }));
    expect((await post('/auth/2fa/verify', { token: held.second_factor_token, code: nextCode() })).status).toBe(200);
  });

  it('a magic link holds the login for the second factor too', async () => {
    const { post, mailsTo, nextCode } = await withTotp();
    expect((await post('/auth/magic-link', { email: 'alice@example.org' })).status).toBe(202);
    const token = /token=(lko_[\w-]+)/.exec((await mailsTo('alice@example.org')).at(-1)!.text)![1];
    const held = await interim(await post('/auth/magic-link/confirm', { token }));
    expect((await post('/auth/2fa/verify', { token: held.second_factor_token, code: nextCode() })).status).toBe(200);
  });
});

describe('TOTP routes', () => {
  it('enrolment needs a logged-in user and shows the secret, the otpauth URI and an SVG', async () => {
    const { post, enrolment } = await withTotp();
    expect((await post('/auth/2fa/totp')).status).toBe(401);
    expect(enrolment.otpauth_url).toMatch(/^otpauth:\/\/totp\/Latchkey%20Test:alice%40example\.org\?/);
    expect(enrolment.qr_svg).toMatch(/^<svg/);
  });

  it('refuses to enrol again while on: a stolen token cannot read a new seed', async () => {
    const { post, token } = await withTotp();
    const again = await post('/auth/2fa/totp', undefined, token);
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ non_field_errors: ['Two-factor authentication is already on.'] });
  });

  it('confirm refuses a wrong code and keeps the enrolment pending', async () => {
    const { post, login, totp, bob } = await twoFactorFixture();
    const token = await login('bob');
    await post('/auth/2fa/totp', undefined, token);
    const wrong = await post('/auth/2fa/totp/confirm', { code: '123456' }, token);
    expect(wrong.status).toBe(400);
    expect(await totp.isRequired(bob.id)).toBe(false);
  });

  it('disable needs the password and a code, and turns the factor off', async () => {
    const { post, token, nextCode, totp, alice } = await withTotp();
    expect((await post('/auth/2fa/totp/disable', { password: 'wrong', code: nextCode() }, token)).status).toBe(400);
    expect((await post('/auth/2fa/totp/disable', { password: PASSWORD, code: '000000' }, token)).status).toBe(400);
    expect((await post('/auth/2fa/totp/disable', { password: PASSWORD }, token)).status).toBe(400);
    expect(await totp.isRequired(alice.id)).toBe(true);
    expect((await post('/auth/2fa/totp/disable', { password: PASSWORD, code: nextCode() }, token)).status).toBe(204);
    expect(await totp.isRequired(alice.id)).toBe(false);
    const single = await post('/auth/token', { username: 'alice', password: PASSWORD });
    expect(Object.keys(await single.json())).toContain('token');
  });
});

describe('failing closed', () => {
  it('a failing TOTP store or an unopenable seed answers 503, never a token', async () => {
    const { post, totpStore, errors } = await withTotp();
    const find = totpStore.find.bind(totpStore);
    totpStore.find = async () => {
      throw new Error('database is down');
    };
    const down = await post('/auth/token', { username: 'alice', password: PASSWORD });
    expect(down.status).toBe(503);
    expect(errors).toHaveLength(1);
    // A seed sealed under another server key (a rotated key, a copied row) does not open.
    totpStore.find = async (userId) => {
      const record = await find(userId);
      return record && { ...record, sealedSeed: btoa('\x01'.repeat(40)) };
    };
    const held = await interim(await post('/auth/token', { username: 'alice', password: PASSWORD }));
    const verified = await post('/auth/2fa/verify', { token: held.second_factor_token, code: '123456' });
    expect(verified.status).toBe(503);
    expect(JSON.stringify(await verified.json())).not.toContain('lk_');
  });
});
