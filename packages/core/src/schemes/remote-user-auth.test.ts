import { describe, expect, it } from 'vitest';
import { remoteUserAuth } from './remote-user-auth.ts';
import { request, world } from '../test-support.ts';

describe('RemoteUserAuthentication', () => {
  const header = 'Cf-Access-Authenticated-User-Email';

  it('trusts the configured header and nothing else', async () => {
    const { users } = await world();
    const auth = remoteUserAuth({ users, header });
    const result = await auth.authenticate(request({ [header]: 'alice' }), {});
    expect(result.outcome === 'success' && result.user.username).toBe('alice');
    expect(await auth.authenticate(request({ 'X-Remote-User': 'alice' }), {})).toEqual({ outcome: 'skip' });
  });

  it('skips, as DRF does, for a missing header, an unknown user and an inactive user', async () => {
    const { users } = await world();
    const auth = remoteUserAuth({ users, header });
    const cases: Record<string, string>[] = [{}, { [header]: '' }, { [header]: 'mallory' }, { [header]: 'carol' }];
    for (const headers of cases) {
      expect(await auth.authenticate(request(headers), {})).toEqual({ outcome: 'skip' });
    }
  });

  it('is off unless a header is named, and has no challenge', async () => {
    const { users } = await world();
    expect(() => remoteUserAuth({ users, header: '' })).toThrow(TypeError);
    expect(remoteUserAuth({ users, header }).challenge).toBeUndefined();
  });
});
