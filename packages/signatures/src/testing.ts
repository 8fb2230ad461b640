/**
 * `@latchkey/signatures/testing`: the key store conformance suite for custom stores, and
 * RFC 9421 Appendix B's published test keys and examples.
 */
export { signingKeyStoreConformance } from './key-store-conformance.ts';
export * as rfc9421Examples from './rfc9421-vectors.ts';
export { createSignatureFixture, runSignatureCase, type SignatureCase, signatureCases, type SignatureFixture } from './host-cases.ts';
export { replayStoreConformance } from './replay-store-conformance.ts';
