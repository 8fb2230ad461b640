/** A source of cryptographically secure random bytes. */
export type RandomBytes = (length: number) => Uint8Array;

/** Web Crypto's CSPRNG; `crypto` is read at call time, never at module load. */
export const webCryptoRandomBytes: RandomBytes = (length) => crypto.getRandomValues(new Uint8Array(length));
