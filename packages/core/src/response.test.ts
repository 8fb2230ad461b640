import { describe, expect, it } from 'vitest';
import { AuthenticationFailed, StoreUnavailable } from './errors.ts';
import { errorResponse } from './response.ts';

describe('errorResponse', () => {
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
