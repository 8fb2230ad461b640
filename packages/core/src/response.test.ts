import { describe, expect, it } from 'vitest';
import { AuthenticationFailed, MethodNotAllowed, StoreUnavailable } from './errors.ts';
import { errorResponse, withVary } from './response.ts';

describe('withVary: naming what an answer varies on', () => {
  it('adds each name once, keeps what the answer already varies on, and leaves Vary: * alone', () => {
    expect(withVary(new Response('x'), ['Cookie']).headers.get('Vary')).toBe('Cookie');
    expect(withVary(new Response('x', { headers: { Vary: 'Accept' } }), ['Cookie']).headers.get('Vary')).toBe('Accept, Cookie');
    expect(withVary(new Response('x', { headers: { Vary: 'accept, cookie' } }), ['Cookie']).headers.get('Vary')).toBe('accept, cookie');
    expect(withVary(new Response('x', { headers: { Vary: '*' } }), ['Cookie']).headers.get('Vary')).toBe('*');
    expect(withVary(new Response('x'), []).headers.get('Vary')).toBeNull();
  });

  it('copies an answer whose headers are immutable, body and status included', async () => {
    const redirect = Response.redirect('https://app.test/next', 302);
    expect(() => redirect.headers.set('Vary', 'x')).toThrow(TypeError);
    const varied = withVary(redirect, ['Cookie']);
    expect([varied.status, varied.headers.get('Location'), varied.headers.get('Vary')]).toEqual([302, 'https://app.test/next', 'Cookie']);
  });
});

describe('errorResponse', () => {
  it('names the allowed methods of a 405 in Allow', () => {
    const response = errorResponse(new MethodNotAllowed('GET', ['POST']), null);
    expect([response.status, response.headers.get('Allow')]).toEqual([405, 'POST']);
  });

  it('sends only {"detail"} for a refusal without fields', async () => {
    const response = errorResponse(new StoreUnavailable(), null);
    expect(await response.text()).toBe('{"detail":"Service temporarily unavailable, try again later."}');
  });

  it('sends an error\'s extra fields after detail, in their order (simplejwt\'s code and messages)', async () => {
    const error = new AuthenticationFailed('User not found', { error: 'invalid_token' }, {}, { fields: { code: 'user_not_found', messages: [] } });
    const response = errorResponse(error, 'Bearer realm="api", error="invalid_token"');
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('{"detail":"User not found","code":"user_not_found","messages":[]}');
  });

  it('never lets a field replace the detail', async () => {
    const error = new AuthenticationFailed('Invalid token.', undefined, {}, { fields: { detail: 'other', code: 'x' } });
    expect(await errorResponse(error, 'Token').json()).toEqual({ detail: 'Invalid token.', code: 'x' });
  });
});
