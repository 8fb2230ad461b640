/**
 * Signed-request subjects for the microbenchmarks: one Hawk and one RFC 9421 (Ed25519)
 * request, signed once, run through a pipeline over memory stores. The replay store admits
 * every nonce and the clock stands still, so the same request can be measured again and
 * again: the rows time parsing, the key lookup and the signature check, not a nonce write.
 */
import { createLatchkey, MemoryUserStore } from '@latchkey/core';
import { hawkAuth, hawkAuthorization, httpSignatureAuth, MemorySigningKeyStore, type ReplayStore, signRequest } from '@latchkey/signatures';

const NOW = 1_750_000_000_000;
const HAWK_SECRET = 'bench-hawk-secret-bench-hawk-secret-0123';

/** `run()` of a Hawk-signed GET and of an RFC 9421 Ed25519-signed GET. */
export async function signedSubjects(): Promise<{ hawk: () => Promise<unknown>; ed25519: () => Promise<unknown> }> {
  const users = new MemoryUserStore();
  const user = (await users.createUser({ username: 'bench-signer', passwordHash: null }))!;
  const keys = new MemorySigningKeyStore();
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const common = { userId: user.id, scopes: [], createdAt: 0, expiresAt: null };
  await keys.insert({ ...common, id: 'hawk', algorithm: 'hmac-sha256', key: new TextEncoder().encode(HAWK_SECRET) });
  await keys.insert({ ...common, id: 'ed', algorithm: 'ed25519', key: new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey)) });
  const replay: ReplayStore = { remember: async () => true };
  const options = { keys, users, replay, now: () => NOW };
  const pipeline = createLatchkey({ authenticators: [hawkAuth(options), httpSignatureAuth(options)] });

  const url = 'http://127.0.0.1/api/signed?page=1';
  const hawkHeader = await hawkAuthorization(new Request(url), { id: 'hawk', key: HAWK_SECRET }, { ts: NOW / 1000 });
  const hawkRequest = new Request(url, { headers: { authorization: hawkHeader } });
  const edRequest = await signRequest(new Request(url), { keyid: 'ed', algorithm: 'ed25519', key: pair.privateKey, created: NOW / 1000 });
  for (const request of [hawkRequest, edRequest]) {
    const outcome = await pipeline.run(request);
    if (!outcome.ok) throw new Error(`bench signed request refused: ${outcome.error.detail}`);
  }
  return { hawk: () => pipeline.run(hawkRequest), ed25519: () => pipeline.run(edRequest) };
}
