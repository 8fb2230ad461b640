import { afterEach, describe, expect, it, vi } from 'vitest';
import { Throttled } from '../../errors.ts';
import { accountThrottle } from './account-throttle.ts';

describe('the account throttle by client address', () => {
  afterEach(() => vi.restoreAllMocks());

  it('counts each known address on its own', async () => {
    const throttle = accountThrottle({ addressRate: '2/minute', now: () => 0 });
    const from = (address: string) => throttle.byAddress(new Request('https://app.test/auth/password/reset'), { clientAddress: address });
    expect([await from('192.0.2.1'), await from('192.0.2.1')]).toEqual([null, null]);
    expect(await from('192.0.2.1')).toBeInstanceOf(Throttled);
    expect(await from('192.0.2.2')).toBeNull();
  });

  it('puts requests without an address in no shared bucket, so nobody can fill one for everyone', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const throttle = accountThrottle({ addressRate: '2/minute', now: () => 0 });
    for (let i = 0; i < 10; i++) {
      expect(await throttle.byAddress(new Request('https://app.test/auth/password/reset'), {})).toBeNull();
    }
  });
});
