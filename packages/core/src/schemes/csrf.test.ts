import { describe, expect, it } from 'vitest';
import { csrfProtection } from './csrf.ts';
import { digestToken } from '../tokens/token.ts';

const SESSION = 'lk_session-token-for-tests';
const post = (headers: Record<string, string>) => new Request('https://app.test/things', { method: 'POST', headers });

describe('csrfProtection: the CSRF token', () => {
  it('is the same for one session and different for another, 43 base64url characters', () => {
    const csrf = csrfProtection();
    expect(csrf.tokenFor(SESSION)).toBe(csrf.tokenFor(SESSION));
    expect(csrf.tokenFor(SESSION)).not.toBe(csrf.tokenFor(`${SESSION}x`));
    expect(csrf.tokenFor(SESSION)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('is neither the session token nor its stored digest', () => {
    const token = csrfProtection().tokenFor(SESSION);
    expect(token).not.toContain(SESSION);
    expect(token).not.toBe(digestToken(SESSION, null));
  });

  it('lets a request through with the right token in X-CSRFToken', () => {
    const csrf = csrfProtection();
    expect(csrf.check(post({ 'X-CSRFToken': csrf.tokenFor(SESSION) }), SESSION, 'cookie')).toBeNull();
  });

  it('refuses a missing or wrong token: "CSRF Failed: CSRF token missing or incorrect."', () => {
    const csrf = csrfProtection();
    const attempts: Record<string, string>[] = [{}, { 'X-CSRFToken': 'wrong' }, { 'X-CSRFToken': csrf.tokenFor('other') }];
    for (const headers of attempts) {
      expect(csrf.check(post(headers), SESSION, 'cookie')?.detail).toBe('CSRF Failed: CSRF token missing or incorrect.');
    }
  });

  it('refuses a request without the CSRF cookie: "CSRF Failed: CSRF cookie not set." (Django\'s wording)', () => {
    const csrf = csrfProtection();
    expect(csrf.check(post({ 'X-CSRFToken': csrf.tokenFor(SESSION) }), SESSION, null)?.detail).toBe('CSRF Failed: CSRF cookie not set.');
  });

  it('reads the header it is told to', () => {
    const csrf = csrfProtection({ headerName: 'X-XSRF-Token' });
    expect(csrf.check(post({ 'X-XSRF-Token': csrf.tokenFor(SESSION) }), SESSION, 'cookie')).toBeNull();
  });
});

describe('csrfProtection: the origin check', () => {
  const csrf = csrfProtection({ trustedOrigins: ['https://spa.test'] });

  it('allows the request\'s own origin and trusted ones', () => {
    expect(csrf.checkOrigin(post({ Origin: 'https://app.test' }))).toBeNull();
    expect(csrf.checkOrigin(post({ Origin: 'https://spa.test' }))).toBeNull();
  });

  it('refuses any other Origin, "null" included, in Django\'s words', () => {
    expect(csrf.checkOrigin(post({ Origin: 'http://app.test' }))?.detail).toBe(
      'CSRF Failed: Origin checking failed - http://app.test does not match any trusted origins.',
    );
    expect(csrf.checkOrigin(post({ Origin: 'null' }))?.status).toBe(403);
  });

  it('falls back to Referer without Origin, echoing only its origin, never its path or query', () => {
    expect(csrf.checkOrigin(post({ Referer: 'https://app.test/page' }))).toBeNull();
    expect(csrf.checkOrigin(post({ Referer: 'https://evil.test/reset?token=secret' }))?.detail).toBe(
      'CSRF Failed: Referer checking failed - https://evil.test does not match any trusted origins.',
    );
    expect(csrf.checkOrigin(post({ Referer: 'not a url' }))?.detail).toBe(
      'CSRF Failed: Referer checking failed - Referer is malformed.',
    );
  });

  it('leaves the decision to the token when a client sends neither header', () => {
    expect(csrf.checkOrigin(post({}))).toBeNull();
    expect(csrf.check(post({}), SESSION, 'cookie')?.detail).toBe('CSRF Failed: CSRF token missing or incorrect.');
  });

  it('checks the origin before the token', () => {
    const headers = { Origin: 'https://evil.test', 'X-CSRFToken': csrf.tokenFor(SESSION) };
    expect(csrf.check(post(headers), SESSION, 'cookie')?.detail).toMatch(/^CSRF Failed: Origin checking failed/);
  });

  it('refuses trusted origins that are not bare origins, and bad header names, at construction', () => {
    for (const origin of ['https://spa.test/', 'https://spa.test/app', 'spa.test', '*']) {
      expect(() => csrfProtection({ trustedOrigins: [origin] })).toThrow(RangeError);
    }
    expect(() => csrfProtection({ headerName: 'X CSRF' })).toThrow(RangeError);
  });
});
