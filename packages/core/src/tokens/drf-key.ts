/**
 * Django REST framework's token keys, for apps moving over from DRF: 40 lowercase hex
 * characters (20 random bytes), no prefix and no checksum, kept in plaintext in DRF's
 * `authtoken_token` table. `latchkey import-django` stores them hashed like any other token;
 * `tokenAuth({ legacyKeys: true })` accepts them until they are retired. 160 random bits
 * are still far beyond brute force, so one SHA-256 is as good a digest for them as for ours.
 */

const DRF_KEY = /^[0-9a-f]{40}$/;

/** True when `key` has the shape of a DRF token key (what `Token.generate_key()` makes). */
export function isDrfKey(key: string): boolean {
  return DRF_KEY.test(key);
}
