/**
 * `@latchkey/signatures`: signed requests as Latchkey authenticators. Hawk and RFC 9421
 * HTTP Message Signatures, on Web Crypto only, so they run on Node, Bun, Deno and workerd.
 */
export {
  importVerifyKey,
  isSignatureAlgorithm,
  SIGNATURE_ALGORITHMS,
  type SignatureAlgorithm,
  verifyBytes,
} from './algorithms.ts';
export { hawkAuthorization, type HawkClientOptions, signRequest, type SignRequestOptions } from './client.ts';
export { checkContentDigest, contentDigest, type ContentDigestProblem } from './content-digest.ts';
export { hawkMac, hawkNormalizedString, hawkPayloadHash, type HawkArtifacts } from './hawk.ts';
export { hawkAuth, type HawkAuthenticator, type HawkAuthOptions, type ServerAuthorizationOptions } from './hawk-auth.ts';
export { DEFAULT_REQUIRED_COMPONENTS, httpSignatureAuth, type HttpSignatureAuthOptions } from './http-signature-auth.ts';
export type { SigningKeyRecord, SigningKeyStore } from './key-store.ts';
export { newSigningKey, type NewSigningKey, type NewSigningKeyResult, publicKeyFromPem, SHARED_SECRET_BYTES } from './keys.ts';
export { MemorySigningKeyStore } from './memory-key-store.ts';
export { readMessageSignature, signatureBase, type MessageSignature } from './message-signature.ts';
export { MemoryReplayStore, type MemoryReplayStoreOptions, type ReplayStore, throttleReplayStore } from './replay-store.ts';
export { createSecretBox, type SecretBox } from './secret-box.ts';
