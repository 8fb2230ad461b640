/**
 * The storage contract for signing keys: a key id, the algorithm the key is for, the key
 * itself, and the user it speaks for. Hawk credentials and RFC 9421 keys share it, so one
 * `latchkey createkey` serves both schemes.
 */
import type { SignatureAlgorithm } from './algorithms.ts';

/** One signing key. Times are milliseconds since the epoch. */
export interface SigningKeyRecord {
  /** The Hawk `id` / RFC 9421 `keyid` clients send. Safe to log. */
  readonly id: string;
  /** Whose key it is: a signed request authenticates as this user. */
  readonly userId: string;
  /** The only algorithm this key verifies. */
  readonly algorithm: SignatureAlgorithm;
  /** `hmac-sha256`: the shared secret; otherwise the public key as SPKI DER. */
  readonly key: Uint8Array<ArrayBuffer>;
  /** Scopes a request signed with it is granted (`hasScopes`). */
  readonly scopes: readonly string[];
  readonly createdAt: number;
  /** Null: never expires. */
  readonly expiresAt: number | null;
}

/**
 * Signing keys by id.
 *
 * - `insert` MUST fail (throw) when the id exists; ids are compared exactly (case-sensitive).
 * - `find` returns the record with that exact id, or null; an expired record is still
 *   returned (the authenticator refuses it, so the answer can say why).
 * - `delete` returns whether a record was removed; after it resolves, `find` in any process
 *   sharing the store returns null.
 * - A store that keeps shared secrets outside memory MUST keep them encrypted at rest
 *   (`createSecretBox`) and never log them.
 * - Methods throw only when storage fails (the request is then refused with 503).
 */
export interface SigningKeyStore {
  insert(record: SigningKeyRecord): Promise<void>;
  find(id: string): Promise<SigningKeyRecord | null>;
  delete(id: string): Promise<boolean>;
  /** The user's keys, oldest first. */
  listForUser(userId: string): Promise<SigningKeyRecord[]>;
}
