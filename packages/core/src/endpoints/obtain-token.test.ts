import { describe, expect, it } from 'vitest';
import { endpointFixture, PASSWORD } from './test-fixture.ts';

describe('POST /auth/token: obtain a token (DRF obtain_auth_token, knox LoginView)', () => {
  it('answers 200 with a new token, its expiry and the user', async () => {
    const { send, tokens, alice } = await endpointFixture();
    const response = await send('POST', '/auth/token', { json: { username: 'alice', password: PASSWORD } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { token: string; expiry: string | null; user: unknown };
    expect(body).toEqual({ token: expect.stringMatching(/^lk_/), expiry: null, user: { id: alice.id, username: 'alice' } });
    expect((await tokens.verify(body.token)).ok).toBe(true);
  });
});
