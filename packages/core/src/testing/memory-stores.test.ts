import { describe, expect, it } from 'vitest';
import { MemoryThrottleStore } from '../throttling/memory-throttle-store.ts';
import { MemoryTokenStore } from '../tokens/memory-token-store.ts';
import { MemoryUserStore } from '../users/memory-user-store.ts';
import { MemoryOneTimeStore } from '../one-time/memory-one-time-store.ts';
import { oneTimeStoreConformance, throttleStoreConformance, tokenStoreConformance, userStoreConformance } from './index.ts';

describe('MemoryTokenStore passes the TokenStore conformance suite', () => {
  for (const c of tokenStoreConformance(() => new MemoryTokenStore())) it(c.name, c.run);
});

describe('MemoryTokenStore joined with a MemoryUserStore passes it too, findWithUser included', () => {
  it('has the optional methods, so their cases below do run', () => {
    const store = new MemoryTokenStore({ users: new MemoryUserStore() });
    expect([typeof store.revokedSince, typeof store.findWithUser, store.joinedUsers instanceof MemoryUserStore]).toEqual([
      'function',
      'function',
      true,
    ]);
    expect(new MemoryTokenStore().findWithUser).toBeUndefined();
  });
  for (const c of tokenStoreConformance(() => new MemoryTokenStore({ users: new MemoryUserStore() }))) it(c.name, c.run);
});

describe('MemoryUserStore passes the UserStore conformance suite', () => {
  for (const c of userStoreConformance(() => new MemoryUserStore())) it(c.name, c.run);
});

describe('MemoryThrottleStore passes the ThrottleStore conformance suite', () => {
  for (const c of throttleStoreConformance(() => new MemoryThrottleStore())) it(c.name, c.run);
});

describe('MemoryOneTimeStore passes the OneTimeStore conformance suite', () => {
  for (const c of oneTimeStoreConformance(() => new MemoryOneTimeStore())) it(c.name, c.run);
});
