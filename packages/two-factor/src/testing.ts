/** `@latchkey/two-factor/testing`: the `TotpStore` conformance suite for custom stores. */
export { totpStoreConformance } from './totp-store-conformance.ts';
