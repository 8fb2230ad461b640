/**
 * Key lookup shared by both schemes: find the key, refuse an expired one, import it for
 * Web Crypto once (an RSA import costs far more than a verification), and find its user.
 */
import type { AuthUser, Grant, UserStore } from '@latchkey/core';
import { importVerifyKey } from './algorithms.ts';
import type { SigningKeyRecord, SigningKeyStore } from './key-store.ts';

/** How many imported keys are kept; past it the oldest is dropped and re-imported on use. */
const IMPORTED_KEYS = 1_000;

/** A usable key: its record and the imported Web Crypto key. */
export interface ResolvedKey {
  readonly record: SigningKeyRecord;
  readonly cryptoKey: CryptoKey;
}

/** Finds keys by id. `'unknown'` covers expired keys too: both are simply not usable now. */
export type KeyResolver = (id: string, now: number) => Promise<ResolvedKey | 'unknown' | 'invalid'>;

/** A resolver over `store`, caching imports by id and exact key bytes. */
export function keyResolver(store: SigningKeyStore): KeyResolver {
  const imported = new Map<string, { bytes: Uint8Array<ArrayBuffer>; algorithm: string; key: CryptoKey }>();
  return async (id, now) => {
    const record = await store.find(id);
    if (!record || (record.expiresAt !== null && record.expiresAt <= now)) return 'unknown';
    const cached = imported.get(id);
    if (cached && cached.algorithm === record.algorithm && sameBytes(cached.bytes, record.key)) return { record, cryptoKey: cached.key };
    let cryptoKey: CryptoKey;
    try {
      cryptoKey = await importVerifyKey(record.algorithm, record.key);
    } catch {
      // Stored bytes that are not a key of their algorithm: refuse, as for a wrong signature.
      return 'invalid';
    }
    if (imported.size >= IMPORTED_KEYS) imported.delete(imported.keys().next().value!);
    imported.set(id, { bytes: record.key.slice(), algorithm: record.algorithm, key: cryptoKey });
    return { record, cryptoKey };
  };
}

/** The grant a request signed with `record` carries. */
export function keyGrant(record: SigningKeyRecord): Grant {
  return { id: record.id, scopes: record.scopes, expiresAt: record.expiresAt };
}

/** The key's user when active, else null (DRF: "User inactive or deleted."). */
export async function activeUser<U extends AuthUser>(users: UserStore<U>, record: SigningKeyRecord): Promise<U | null> {
  const user = await users.findById(record.userId);
  return user && user.isActive ? user : null;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
