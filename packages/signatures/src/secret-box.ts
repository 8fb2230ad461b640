/**
 * Shared secrets at rest. A public key can be stored as it is, but the server must read an
 * HMAC secret back to check a MAC, so it cannot keep only a digest as it does for tokens.
 * It keeps the secret sealed with AES-256-GCM under a server key held outside the database:
 * a copy of the database alone then yields nothing usable. The key id is bound as
 * additional data, so a sealed secret moved to another key's row does not open.
 */
import { base64ToBytes } from '@latchkey/core';

/** AES-GCM's standard nonce length; random per seal, so one server key seals many secrets. */
const IV_BYTES = 12;
const VERSION = 1;

/** Seals and opens shared secrets with one server key. */
export interface SecretBox {
  /** `version ‖ iv ‖ ciphertext+tag` of `secret`, bound to `keyId`. */
  seal(secret: Uint8Array<ArrayBuffer>, keyId: string): Promise<Uint8Array<ArrayBuffer>>;
  /** The secret; throws when the box was not sealed by this server key for `keyId`. */
  open(sealed: Uint8Array<ArrayBuffer>, keyId: string): Promise<Uint8Array<ArrayBuffer>>;
}

/**
 * A secret box over a 32-byte server key (raw bytes, or standard base64 of them, e.g. from
 * an environment variable). Throws a `RangeError` for any other length.
 */
export function createSecretBox(serverKey: Uint8Array<ArrayBuffer> | string): SecretBox {
  const raw = typeof serverKey === 'string' ? base64ToBytes(serverKey.trim()) : serverKey;
  if (!raw || raw.length !== 32) throw new RangeError('createSecretBox: the server key must be 32 bytes (base64 of 32 bytes)');
  const material = raw.slice();
  let imported: Promise<CryptoKey> | null = null;
  // Imported on first use, not at construction: `crypto.subtle` is read inside functions.
  const key = () => (imported ??= crypto.subtle.importKey('raw', material, 'AES-GCM', false, ['encrypt', 'decrypt']));
  const aad = (keyId: string) => new TextEncoder().encode(`latchkey-signing-key:${keyId}`);

  return {
    async seal(secret, keyId) {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad(keyId) }, await key(), secret));
      const sealed = new Uint8Array(1 + IV_BYTES + ciphertext.length);
      sealed[0] = VERSION;
      sealed.set(iv, 1);
      sealed.set(ciphertext, 1 + IV_BYTES);
      return sealed;
    },
    async open(sealed, keyId) {
      if (sealed[0] !== VERSION || sealed.length < 1 + IV_BYTES + 16) throw new Error('sealed secret: unknown format');
      const iv = sealed.slice(1, 1 + IV_BYTES);
      const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad(keyId) }, await key(), sealed.slice(1 + IV_BYTES));
      return new Uint8Array(plain);
    },
  };
}
