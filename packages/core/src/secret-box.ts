/**
 * Secrets the server must read back, sealed at rest. A token or a password is kept only as a
 * digest, but an HMAC key (Hawk, HTTP signatures) or a TOTP seed has to be recovered to check
 * a code or a MAC. Such a secret is sealed with AES-256-GCM under a server key held outside
 * the database, so a copy of the database alone yields nothing usable.
 *
 * Each box has a purpose (`"latchkey-signing-key"`, `"latchkey-totp"`) and each seal a
 * context (a key id, a user id); both are bound as additional data, so a sealed value moved
 * to another row, or to another kind of secret, does not open.
 */
import { base64ToBytes } from './encoding.ts';

/** AES-GCM's standard nonce length; random per seal, so one server key seals many secrets. */
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 1;
const PURPOSE = /^[a-z0-9-]{1,64}$/;

/** Seals and opens secrets with one server key. */
export interface SecretBox {
  /** `version ‖ iv ‖ ciphertext+tag` of `secret`, bound to the box's purpose and `context`. */
  seal(secret: Uint8Array<ArrayBuffer>, context: string): Promise<Uint8Array<ArrayBuffer>>;
  /** The secret; throws when the box was not sealed by this server key, purpose and `context`. */
  open(sealed: Uint8Array<ArrayBuffer>, context: string): Promise<Uint8Array<ArrayBuffer>>;
}

/** Options for `createSecretBox`. */
export interface SecretBoxOptions {
  /** What the box seals, bound into every seal: `[a-z0-9-]{1,64}`. Default `"latchkey-signing-key"`. */
  readonly purpose?: string;
}

/**
 * A secret box over a 32-byte server key (raw bytes, or standard base64 of them, e.g. a
 * Workers secret binding or an environment variable read by the host). Throws a `RangeError`
 * for any other length or a malformed purpose.
 *
 * @example
 * const box = createSecretBox(env.LATCHKEY_SECRET_KEY, { purpose: 'latchkey-totp' });
 */
export function createSecretBox(serverKey: Uint8Array<ArrayBuffer> | string, options: SecretBoxOptions = {}): SecretBox {
  const purpose = options.purpose ?? 'latchkey-signing-key';
  if (!PURPOSE.test(purpose)) throw new RangeError('createSecretBox: purpose is 1-64 characters of [a-z0-9-]');
  const raw = typeof serverKey === 'string' ? base64ToBytes(serverKey.trim()) : serverKey;
  if (!raw || raw.length !== 32) throw new RangeError('createSecretBox: the server key must be 32 bytes (base64 of 32 bytes)');
  const material = raw.slice();
  let imported: Promise<CryptoKey> | null = null;
  // Imported on first use, not at construction: `crypto.subtle` is read inside functions.
  const key = () => (imported ??= crypto.subtle.importKey('raw', material, 'AES-GCM', false, ['encrypt', 'decrypt']));
  const aad = (context: string) => new TextEncoder().encode(`${purpose}:${context}`);

  return {
    async seal(secret, context) {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad(context) }, await key(), secret));
      const sealed = new Uint8Array(1 + IV_BYTES + ciphertext.length);
      sealed[0] = VERSION;
      sealed.set(iv, 1);
      sealed.set(ciphertext, 1 + IV_BYTES);
      return sealed;
    },
    async open(sealed, context) {
      if (sealed[0] !== VERSION || sealed.length < 1 + IV_BYTES + TAG_BYTES) throw new Error('sealed secret: unknown format');
      const iv = sealed.slice(1, 1 + IV_BYTES);
      const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad(context) }, await key(), sealed.slice(1 + IV_BYTES));
      return new Uint8Array(plain);
    },
  };
}
