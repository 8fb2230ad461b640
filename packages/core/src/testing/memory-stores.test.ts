import { describe, it } from 'vitest';
import { MemoryThrottleStore } from '../throttling/memory-throttle-store.ts';
import { MemoryTokenStore } from '../tokens/memory-token-store.ts';
import { MemoryUserStore } from '../users/memory-user-store.ts';
import { throttleStoreConformance, tokenStoreConformance, userStoreConformance } from './index.ts';

describe('MemoryTokenStore passes the TokenStore conformance suite', () => {
  for (const c of tokenStoreConformance(() => new MemoryTokenStore())) it(c.name, c.run);
});

describe('MemoryUserStore passes the UserStore conformance suite', () => {
  for (const c of userStoreConformance(() => new MemoryUserStore())) it(c.name, c.run);
});

describe('MemoryThrottleStore passes the ThrottleStore conformance suite', () => {
  for (const c of throttleStoreConformance(() => new MemoryThrottleStore())) it(c.name, c.run);
});
