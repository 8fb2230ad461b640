import { describe, it } from 'vitest';
import { MemoryRefreshTokenStore } from './memory-refresh-token-store.ts';
import { refreshTokenStoreConformance } from './testing/index.ts';

describe('MemoryRefreshTokenStore passes the refresh-token store conformance suite', () => {
  for (const c of refreshTokenStoreConformance(() => new MemoryRefreshTokenStore())) it(c.name, c.run);
});
