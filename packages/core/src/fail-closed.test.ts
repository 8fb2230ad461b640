import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLatchkey } from './latchkey.ts';
import { tokenAuth } from './schemes/token-auth.ts';
import { createTokenService } from './tokens/token-service.ts';
import type { TokenStore } from './tokens/token-store.ts';
import { request, world } from './test-support.ts';

const DIGEST = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
const HASH = 'pbkdf2_sha256$100000$c2FsdHNhbHRzYWx0$nNDnBNbbTHdCJ1RFm4n7k/zZbDNP0N8p/NBbLogPduA=';

describe('the default onError', () => {
  afterEach(() => vi.restoreAllMocks());

  it('logs a failing store\'s error with its message and causes, digests and hashes redacted', async () => {
    const logged: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void logged.push(parts.map(String).join(' ')));
    const { users, tokenFor } = await world();
    const leaky = (): never => {
      throw new Error(`Failed query: select * from tokens where digest = ?\nparams: ${DIGEST}`, {
        cause: new Error(`SQLITE_BUSY while reading ${HASH}`),
      });
    };
    const store = { findByDigest: leaky } as unknown as TokenStore;
    const api = createLatchkey({ authenticators: [tokenAuth({ tokens: createTokenService({ store }), users })] });
    const response = await api.protect(() => new Response('in'))(request({ Authorization: `Token ${await tokenFor('1')}` }));
    expect(response.status).toBe(503);
    expect(logged).toHaveLength(1);
    const [entry] = logged as [string];
    expect(entry).toContain('[latchkey] store or hook failed; refusing with 503: Error: Failed query: select * from tokens');
    expect(entry).toContain('params: [redacted]');
    expect(entry).toContain('[cause] Error: SQLITE_BUSY while reading pbkdf2_sha256$100000$[redacted]$[redacted]');
    expect(entry).toMatch(/\n\s+at /);
    expect(entry).not.toContain(DIGEST.slice(0, 20));
    expect(entry).not.toContain('nNDnBNbbTHdCJ1RFm4n7k');
  });
});
