import { describe, it } from 'vitest';
import { MemoryTokenStore } from '../tokens/memory-token-store.ts';
import { MemoryUserStore } from '../users/memory-user-store.ts';
import { MemoryOneTimeStore } from '../one-time/memory-one-time-store.ts';
import { oneTimeStoreConformance, tokenStoreConformance, userStoreConformance } from './index.ts';

describe('MemoryTokenStore passes the TokenStore conformance suite', () => {
  for (const c of tokenStoreConformance(() => new MemoryTokenStore())) it(c.name, c.run);
});

describe('MemoryUserStore passes the UserStore conformance suite', () => {
  for (const c of userStoreConformance(() => new MemoryUserStore())) it(c.name, c.run);
});

describe('MemoryOneTimeStore passes the OneTimeStore conformance suite', () => {
  for (const c of oneTimeStoreConformance(() => new MemoryOneTimeStore())) it(c.name, c.run);
});
