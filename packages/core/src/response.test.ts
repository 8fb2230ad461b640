import { describe, expect, it } from 'vitest';
import { MethodNotAllowed } from './errors.ts';
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
});
