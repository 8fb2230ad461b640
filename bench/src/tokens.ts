/**
 * Tokens for the requests that must fail: one that is well formed but stored nowhere (it
 * costs a store lookup), one whose checksum is wrong (it must cost none).
 */
import { createTokenService, MemoryTokenStore, type TokenService } from '@latchkey/core';

/** A well-formed token that `service`'s store does not hold: issued by a throwaway store with the same prefix. */
export async function unknownToken(service: TokenService): Promise<string> {
  const created = await createTokenService({ store: new MemoryTokenStore(), prefix: service.prefix }).create('nobody');
  if (!created.ok) throw new Error('could not issue a throwaway token');
  return created.token;
}

/** `token` with its checksum replaced: the same length and alphabet, so only the checksum refuses it. */
export function garbageToken(token: string): string {
  const checksum = token.slice(-6);
  const wrong = checksum === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA';
  return token.slice(0, -6) + wrong;
}
