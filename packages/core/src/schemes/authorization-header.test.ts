import { describe, expect, it } from 'vitest';
import { parseAuthorization } from './authorization-header.ts';
import { request } from '../test-support.ts';

// Fetch's Headers refuse code points above U+00FF, but a host or a framework may hand over a
// request-like object whose headers are not byte strings: the parser must not rely on that.
const withAuthorization = (value: string) => ({ headers: new Map([['Authorization', value]]) }) as unknown as Request;

describe('parsing the Authorization header', () => {
  it('matches the keyword in any ASCII case', () => {
    for (const keyword of ['Token', 'token', 'TOKEN', 'tOkEn']) {
      expect(parseAuthorization(request({ Authorization: `${keyword} abc` }), 'Token')).toEqual({ kind: 'credentials', credentials: 'abc' });
    }
  });

  it('folds ASCII letters only, as DRF does on bytes: the Kelvin sign U+212A is not a "k"', () => {
    expect('TO\u212AEN'.toLowerCase()).toBe('token');
    expect(parseAuthorization(withAuthorization('TO\u212AEN abc'), 'Token')).toEqual({ kind: 'absent' });
    expect(parseAuthorization(withAuthorization('TOKEN abc'), 'Token')).toEqual({ kind: 'credentials', credentials: 'abc' });
  });
});
